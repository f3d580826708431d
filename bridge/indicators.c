/* The indicators (see indicators.h for their definitions). */
#include "indicators.h"

#include <math.h>

double nabz_indicator__sma(const double *closes, size_t count, size_t n)
{
	double sum = 0;

	if(n == 0 || count < n) return NAN;
	for(size_t i = count - n; i < count; i++) sum += closes[i];
	return sum / (double)n;
}

double nabz_indicator__rsi(const double *closes, size_t count, size_t n)
{
	double avg_gain = 0, avg_loss = 0;

	if(n == 0 || count < n + 1) return NAN;
	for(size_t i = 1; i <= n; i++){
		double d = closes[i] - closes[i - 1];
		if(d > 0) avg_gain += d;
		else avg_loss -= d;
	}
	avg_gain /= (double)n;
	avg_loss /= (double)n;
	for(size_t i = n + 1; i < count; i++){
		double d = closes[i] - closes[i - 1];
		avg_gain = (avg_gain * (double)(n - 1) + (d > 0 ? d : 0)) / (double)n;
		avg_loss = (avg_loss * (double)(n - 1) + (d < 0 ? -d : 0)) / (double)n;
	}
	if(avg_loss == 0) return avg_gain == 0 ? 50.0 : 100.0;
	return 100.0 - 100.0 / (1.0 + avg_gain / avg_loss);
}
