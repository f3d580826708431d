/*
 * Dashboard strings (Persian and English) and number, time and age
 * formatting. Persian uses Persian digits (Intl 'fa-IR') and RTL.
 */
const STRINGS = {
  en: {
    title: 'nabz — live crypto',
    brand: 'nabz',
    online: 'Online', sessions: 'Total sessions',
    lang_switch: 'فارسی', lang_switch_label: 'Switch to Persian',
    theme_dark: 'Dark', theme_light: 'Light', theme_label: 'Switch light/dark theme',
    notify_on: 'Notifications on', notify_off: 'Enable notifications', notify_denied: 'Notifications blocked',
    display_mode: 'Wall display', display_exit: 'Exit wall display', settings: 'Settings',
    market: 'Market', market_cap: 'Market cap', volume: '24 h volume', btc_dominance: 'BTC dominance', usdt_irt: 'USDT → toman',
    prices: 'Prices', symbol: 'Symbol', price_usd: 'Price (USD)', price_irt: 'Price (toman)', change_24h: '24 h', agree: 'Sources', age: 'Age',
    chart: 'Chart', chart_toggle: 'Show the chart of {s}',
    charts: 'Charts', charts_empty: 'Pick a symbol in the price table to chart it.', chart_wait: 'Waiting for live updates…', chart_label: '{s} price chart: {n} points from {from} to {to}, now {p}',
    news: 'News', news_empty: 'No news yet.',
    alerts: 'Alerts', alerts_empty: 'No alerts yet.', dismiss: 'Dismiss',
    signals: 'Trading signals', signals_disclaimer: 'Indicator, not advice: a signal is arithmetic on past prices, not a recommendation to buy or sell.', signals_empty: 'No signals yet: the indicators need enough minutes (or hours) of prices.', indicator: 'Indicator', timeframe: 'Time frame', direction: 'Direction', value: 'Value', time: 'Time', ind_ma_cross: 'MA crossover (SMA {f}/{s})', ind_rsi: 'RSI {n}', tf_1m: '1 min', tf_1h: '1 hour', dir_bullish: 'bullish', dir_bearish: 'bearish', dir_overbought: 'overbought', dir_oversold: 'oversold', dir_neutral: 'neutral', signal_announce: 'Signal (indicator, not advice): {s} {i} {tf} {d}',
    sources: 'Sources', source: 'Source', status: 'Status', latency: 'Latency', last_success: 'Last success', errors: 'Errors', watching: 'Watching {n} symbols',
    status_ok: 'ok', status_down: 'down', status_unknown: 'unknown',
    audience: 'Audience', active: 'Online now', unique: 'Unique users', total: 'Total sessions', peak: 'Peak', client_types: 'Client types', groups: 'Group audiences',
    ct_browser: 'Browser', ct_api: 'API', ct_mobile: 'Mobile', ct_bot: 'Bot', ct_iot: 'IoT',
    g_prices: 'Prices', g_market: 'Market', g_news: 'News', g_alerts: 'Alerts', g_signals: 'Signals',
    ms: '{n} ms', ms_lt1: 'under 1 ms',
    live: 'live', stale: 'stale', divergent: 'sources disagree', demo: 'demo data',
    demo_badge: 'demo', status_demo: 'demo',
    demo_banner: 'Demo data: recorded prices replayed, not live. Do not trade on them.',
    // the price row's badge, and the separator between a news item's source and date
    badge: '{state} · {age}', meta_sep: ' · ',
    agree_of: '{a} of {n}',
    age_s: '{n} s', age_m: '{n} min', age_h: '{n} h', age_d: '{n} d',
    no_data: 'Waiting for data…',
    announce_users: '{n} users online',
    announce_alert: 'Alert: {m}',
    footer: 'Data over MQTT/WebSocket from the nabz broker. No third-party servers.',
    test_page: 'test page', health: 'health', metrics: 'metrics',
    // chat (chat.js)
    chat: 'Chat', chat_rooms: 'Chat rooms', chat_log: 'Chat messages', chat_empty: 'No messages yet. Say hello!',
    chat_name: 'Your name', chat_text: 'Message', chat_text_in: 'Message to {r}', chat_send: 'Send',
    chat_limit: '{n} of {max} bytes · Enter sends, Shift+Enter starts a new line',
    chat_audience: '{n} reading', g_chat: 'Chat',
    chat_room_general: 'General', chat_room_BTC: 'Bitcoin', chat_room_fa: 'Persian', chat_room_en: 'English',
    chat_err_disabled: 'Chat is turned off on this server.', chat_err_room: 'This room does not exist.',
    chat_err_text: 'Write something first.', chat_err_long: 'The message is too long.',
    chat_err_control: 'The message holds characters that cannot be sent (control or direction marks).',
    chat_err_rate: 'Too many messages: wait a moment and try again.', chat_err_muted: 'You are muted in chat for now.',
    chat_err_timeout: 'No answer from the server; check the connection.', chat_err_other: 'Not sent: {e}',
  },
  fa: {
    title: 'نبض — بازار زندهٔ رمزارز',
    brand: 'نبض',
    online: 'آنلاین', sessions: 'کل نشست‌ها',
    lang_switch: 'English', lang_switch_label: 'Switch to English',
    theme_dark: 'تیره', theme_light: 'روشن', theme_label: 'تغییر پوستهٔ روشن/تیره',
    notify_on: 'اعلان‌ها روشن', notify_off: 'فعال‌سازی اعلان‌ها', notify_denied: 'اعلان‌ها مسدود شده‌اند',
    display_mode: 'نمایشگر دیواری', display_exit: 'خروج از نمایشگر دیواری', settings: 'تنظیمات',
    market: 'بازار', market_cap: 'ارزش بازار', volume: 'حجم معاملات ۲۴ ساعت', btc_dominance: 'سهم بیت‌کوین', usdt_irt: 'تتر به تومان',
    prices: 'قیمت‌ها', symbol: 'نماد', price_usd: 'قیمت (دلار)', price_irt: 'قیمت (تومان)', change_24h: 'تغییر ۲۴ ساعت', agree: 'منابع', age: 'تازگی',
    chart: 'نمودار', chart_toggle: 'نمایش نمودار {s}',
    charts: 'نمودارها', charts_empty: 'برای دیدن نمودار، نمادی را در جدول قیمت‌ها انتخاب کنید.', chart_wait: 'در انتظار به‌روزرسانی زنده…', chart_label: 'نمودار قیمت {s}: {n} نقطه از {from} تا {to}، اکنون {p}',
    news: 'اخبار', news_empty: 'هنوز خبری نیست.',
    alerts: 'هشدارها', alerts_empty: 'هنوز هشداری نیست.', dismiss: 'بستن',
    signals: 'سیگنال‌های معاملاتی', signals_disclaimer: 'نشانگر است، نه توصیهٔ سرمایه‌گذاری: هر سیگنال فقط حسابی روی قیمت‌های گذشته است، نه پیشنهاد خرید یا فروش.', signals_empty: 'هنوز سیگنالی نیست: نشانگرها به قیمت چند دقیقه (یا چند ساعت) نیاز دارند.', indicator: 'نشانگر', timeframe: 'بازهٔ زمانی', direction: 'جهت', value: 'مقدار', time: 'زمان', ind_ma_cross: 'تقاطع میانگین متحرک ({f} و {s})', ind_rsi: 'RSI {n}', tf_1m: '۱ دقیقه', tf_1h: '۱ ساعت', dir_bullish: 'صعودی', dir_bearish: 'نزولی', dir_overbought: 'اشباع خرید', dir_oversold: 'اشباع فروش', dir_neutral: 'خنثی', signal_announce: 'سیگنال (نشانگر است، نه توصیه): {s} {i} {tf} {d}',
    sources: 'منابع داده', source: 'منبع', status: 'وضعیت', latency: 'تأخیر', last_success: 'آخرین پاسخ موفق', errors: 'خطاها', watching: 'پایش {n} نماد',
    status_ok: 'سالم', status_down: 'قطع', status_unknown: 'نامعلوم',
    audience: 'مخاطبان', active: 'هم‌اکنون آنلاین', unique: 'کاربران یکتا', total: 'کل نشست‌ها', peak: 'اوج', client_types: 'نوع کلاینت', groups: 'مخاطبان هر گروه',
    ct_browser: 'مرورگر', ct_api: 'API', ct_mobile: 'موبایل', ct_bot: 'ربات', ct_iot: 'اینترنت اشیا',
    g_prices: 'قیمت‌ها', g_market: 'بازار', g_news: 'اخبار', g_alerts: 'هشدارها', g_signals: 'سیگنال‌ها',
    ms: '{n} میلی‌ثانیه', ms_lt1: 'کمتر از ۱ میلی‌ثانیه',
    live: 'زنده', stale: 'قدیمی', divergent: 'اختلاف منابع', demo: 'دادهٔ نمایشی',
    demo_badge: 'نمایشی', status_demo: 'نمایشی',
    demo_banner: 'داده‌های نمایشی: قیمت‌های ضبط‌شده بازپخش می‌شوند و زنده نیستند. بر اساس آن‌ها معامله نکنید.',
    // «·» beside Persian digits reads as a zero («زنده · ۸» as «زنده ۰ ۸»): no dots here.
    badge: '{state}، {age} پیش', meta_sep: ' | ',
    agree_of: '{a} از {n}',
    age_s: '{n} ثانیه', age_m: '{n} دقیقه', age_h: '{n} ساعت', age_d: '{n} روز',
    no_data: 'در انتظار داده…',
    announce_users: '{n} کاربر آنلاین',
    announce_alert: 'هشدار: {m}',
    footer: 'داده‌ها مستقیم از بروکر نبض و از راه MQTT/WebSocket می‌رسند؛ بدون هیچ سرور شخص ثالث.',
    test_page: 'صفحهٔ آزمایش', health: 'وضعیت سرویس', metrics: 'سنجه‌ها',
    // گفت‌وگو (chat.js)
    chat: 'گفت‌وگو', chat_rooms: 'اتاق‌های گفت‌وگو', chat_log: 'پیام‌های گفت‌وگو', chat_empty: 'هنوز پیامی نیست. سلام کنید!',
    chat_name: 'نام شما', chat_text: 'پیام', chat_text_in: 'پیام به اتاق {r}', chat_send: 'ارسال',
    chat_limit: '{n} از {max} بایت؛ Enter می‌فرستد و Shift+Enter سطر تازه می‌سازد',
    chat_audience: '{n} نفر در اتاق', g_chat: 'گفت‌وگو',
    chat_room_general: 'عمومی', chat_room_BTC: 'بیت‌کوین', chat_room_fa: 'فارسی', chat_room_en: 'انگلیسی',
    chat_err_disabled: 'گفت‌وگو روی این سرور خاموش است.', chat_err_room: 'این اتاق وجود ندارد.',
    chat_err_text: 'اول چیزی بنویسید.', chat_err_long: 'پیام بیش از اندازه بلند است.',
    chat_err_control: 'پیام نویسه‌هایی دارد که فرستادنی نیستند (نویسهٔ کنترلی یا نشانهٔ جهت).',
    chat_err_rate: 'پیام‌ها زیاد شد؛ کمی صبر کنید و دوباره بفرستید.', chat_err_muted: 'فعلاً در گفت‌وگو بی‌صدا شده‌اید.',
    chat_err_timeout: 'پاسخی از سرور نرسید؛ اتصال را بررسی کنید.', chat_err_other: 'فرستاده نشد: {e}',
  },
};

const LOCALES = { en: 'en-US', fa: 'fa-IR' };
let lang = 'en';
const fmtCache = new Map();

export function setLang(l) { lang = STRINGS[l] ? l : 'en'; fmtCache.clear(); }
export function getLang() { return lang; }
export function isRtl() { return lang === 'fa'; }

export function t(key, vars) {
  let s = (STRINGS[lang] && STRINGS[lang][key]) || STRINGS.en[key] || key;
  if (vars) for (const k in vars) s = s.replace('{' + k + '}', vars[k]);
  return s;
}

function nf(opts) {
  const key = JSON.stringify(opts);
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALES[lang], opts);
    fmtCache.set(key, f);
  }
  return f;
}

export function fmtInt(n) {
  return typeof n === 'number' && isFinite(n) ? nf({ maximumFractionDigits: 0 }).format(n) : '–';
}

/* USD with sensible precision: cents above $1, 4–6 significant digits below. */
export function fmtUsd(n) {
  if (typeof n !== 'number' || !isFinite(n)) return '–';
  const abs = Math.abs(n);
  const opts = abs >= 1000 ? { maximumFractionDigits: 2, minimumFractionDigits: 2 }
    : abs >= 1 ? { maximumFractionDigits: 4, minimumFractionDigits: 2 }
      : { maximumSignificantDigits: 4 };
  return '$' + nf(opts).format(n);
}

export function fmtToman(n) {
  if (typeof n !== 'number' || !isFinite(n)) return '–';
  return nf({ maximumFractionDigits: n < 100 ? 2 : 0 }).format(n);
}

/* 1.2T / 3.4B, localised. In Persian the unit follows the figure as a
 * word («۳٫۳ تریلیون دلار»): a «$» before RTL text lands on the wrong side. */
export function fmtCompactUsd(n) {
  if (typeof n !== 'number' || !isFinite(n)) return '–';
  const v = nf({ notation: 'compact', maximumFractionDigits: 2 }).format(n);
  return lang === 'fa' ? v + '\u00a0دلار' : '$' + v;   // no-break, as Intl puts before «تریلیون»
}

export function fmtPct(n, signed) {
  if (typeof n !== 'number' || !isFinite(n)) return '–';
  const s = nf({ maximumFractionDigits: 2, minimumFractionDigits: 2, signDisplay: signed ? 'exceptZero' : 'auto' }).format(n);
  return s + (lang === 'fa' ? '٪' : '%');
}

export function fmtAge(seconds) {
  if (typeof seconds !== 'number' || !isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return t('age_s', { n: fmtInt(s) });
  if (s < 5400) return t('age_m', { n: fmtInt(Math.round(s / 60)) });
  if (s < 129600) return t('age_h', { n: fmtInt(Math.round(s / 3600)) });
  return t('age_d', { n: fmtInt(Math.round(s / 86400)) });
}

export function fmtTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  return new Intl.DateTimeFormat(LOCALES[lang], { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d);
}

export function fmtDateTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  return new Intl.DateTimeFormat(LOCALES[lang], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

/* Fills every [data-i18n] element's text, and [data-i18n-label]'s aria-label. */
export function applyStrings(rootEl) {
  rootEl.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  rootEl.querySelectorAll('[data-i18n-label]').forEach((el) => { el.setAttribute('aria-label', t(el.dataset.i18nLabel)); });
  rootEl.querySelectorAll('[data-i18n-title]').forEach((el) => { el.title = t(el.dataset.i18nTitle); });
}

/* Holding amounts, grouped, localised: 8 decimals (satoshis) from 1 up,
 * 8 significant digits below, so a tiny amount never shows as «0». */
export function fmtAmount(n) {
  if (typeof n !== 'number' || !isFinite(n)) return '–';
  return nf(Math.abs(n) < 1 ? { maximumSignificantDigits: 8 } : { maximumFractionDigits: 8 }).format(n);
}

/* A signed figure of another formatter («+$8,500.25», «‎−۶٬۰۰۰ ...»), with
 * the locale's own sign, as fmtPct(n, true) shows it. */
export function fmtSigned(n, fmt) {
  if (typeof n !== 'number' || !isFinite(n)) return '–';
  if (n === 0) return fmt(0);
  const parts = nf({ signDisplay: 'always' }).formatToParts(n < 0 ? -1 : 1);
  const sign = parts.slice(0, parts.findIndex((p) => p.type === 'integer')).map((p) => p.value).join('');
  return sign + fmt(Math.abs(n));
}

/* ---- the portfolio panel (portfolio.js) ------------------------------------ */
Object.assign(STRINGS.en, {
  pf_title: 'Portfolio',
  pf_private: 'Kept only in this browser (and in files you export); never sent to the server.',
  pf_add: 'Add or change a holding',
  pf_symbol: 'Symbol', pf_amount: 'Amount',
  pf_buy_usd: 'Buy price (USD, optional)', pf_buy_irt: 'Buy price (toman, optional)',
  pf_save: 'Save',
  pf_value_usd: 'Value (USD)', pf_value_irt: 'Value (toman)', pf_pl: 'Profit/loss', pf_share: 'Share', pf_actions: 'Actions',
  pf_total: 'Total',
  pf_empty: 'No holdings yet. Enter a symbol and an amount; the value follows the live prices.',
  pf_edit_short: 'Edit', pf_remove_short: 'Remove', pf_edit: 'Edit {s}', pf_remove: 'Remove {s}',
  pf_no_price: 'no price yet', pf_no_toman: 'no toman price',
  pf_irt_derived: 'Estimated from the USDT → toman rate: this symbol has no toman price of its own.',
  pf_toman: '{n} toman',
  pf_unpriced: '{n} holding(s) without a price yet are not in the totals.',
  pf_stale_note: 'Some prices are stale: values may be out of date.',
  pf_demo_note: 'Valued with demo data, not live prices.',
  pf_chart_label: 'Share of the total value: {list}', pf_list_sep: ', ',
  pf_export: 'Export to a file', pf_import: 'Import from a file', pf_clear: 'Clear all',
  pf_download_raw: 'Download the stored data',
  pf_confirm_clear: 'Delete every holding stored in this browser?',
  pf_confirm_import: 'Replace your {n} holding(s) with the {m} in the file?',
  pf_saved: '{s} saved.', pf_removed: '{s} removed.', pf_cleared: 'All holdings deleted.',
  pf_imported: '{n} holding(s) imported.', pf_exported: '{n} holding(s) exported to a file.',
  pf_err_symbol: 'Symbol: 1 to 15 capital letters or digits, like BTC.',
  pf_err_amount: 'Amount: a number above zero, like 12.5.',
  pf_err_buy: 'Buy price: leave it empty or give a number above zero.',
  pf_err_full: 'At most {n} holdings.',
  pf_err_save: 'Could not save in this browser (storage full or turned off). Nothing was changed.',
  pf_err_file_json: 'That file is not JSON. Nothing was changed.',
  pf_err_file_big: 'That file is too large for a portfolio. Nothing was changed.',
  pf_err_file_newer: 'That file was written by a newer version of nabz. Nothing was changed.',
  pf_err_file_shape: 'That file is not a nabz portfolio. Nothing was changed.',
  pf_err_file_row: 'Holding {n} in that file is not valid (or repeats a symbol). Nothing was changed.',
  pf_refused_garbage: 'The portfolio stored in this browser cannot be read. It is left as it is: download it, or clear all to start over.',
  pf_refused_newer: 'The portfolio stored in this browser was saved by a newer version of nabz. It is left as it is: download it, or clear all to start over.',
});
Object.assign(STRINGS.fa, {
  pf_title: 'سبد دارایی',
  pf_private: 'فقط در همین مرورگر (و در فایل‌هایی که خودتان خروجی می‌گیرید) نگه داشته می‌شود و هرگز به سرور فرستاده نمی‌شود.',
  pf_add: 'افزودن یا ویرایش دارایی',
  pf_symbol: 'نماد', pf_amount: 'مقدار',
  pf_buy_usd: 'قیمت خرید (دلار، اختیاری)', pf_buy_irt: 'قیمت خرید (تومان، اختیاری)',
  pf_save: 'ذخیره',
  pf_value_usd: 'ارزش (دلار)', pf_value_irt: 'ارزش (تومان)', pf_pl: 'سود و زیان', pf_share: 'سهم', pf_actions: 'عملیات',
  pf_total: 'جمع',
  pf_empty: 'هنوز دارایی‌ای ثبت نکرده‌اید. نماد و مقدار را وارد کنید تا ارزش آن با قیمت‌های زنده حساب شود.',
  pf_edit_short: 'ویرایش', pf_remove_short: 'حذف', pf_edit: 'ویرایش {s}', pf_remove: 'حذف {s}',
  pf_no_price: 'هنوز قیمتی نرسیده', pf_no_toman: 'قیمت تومانی ندارد',
  pf_irt_derived: 'برآورد از نرخ تتر به تومان؛ این نماد قیمت تومانی جداگانه ندارد.',
  pf_toman: '{n} تومان',
  pf_unpriced: '{n} دارایی هنوز قیمت ندارد و در جمع حساب نشده است.',
  pf_stale_note: 'بعضی قیمت‌ها قدیمی‌اند و ارزش‌ها ممکن است به‌روز نباشند.',
  pf_demo_note: 'ارزش‌ها با دادهٔ نمایشی حساب شده‌اند، نه با قیمت زنده.',
  pf_chart_label: 'سهم هر دارایی از کل: {list}', pf_list_sep: '، ',
  pf_export: 'خروجی گرفتن در فایل', pf_import: 'بارگذاری از فایل', pf_clear: 'پاک کردن همه',
  pf_download_raw: 'دانلود دادهٔ ذخیره‌شده',
  pf_confirm_clear: 'همهٔ دارایی‌های ذخیره‌شده در این مرورگر پاک شوند؟',
  pf_confirm_import: '{n} دارایی فعلی با {m} دارایی فایل جایگزین شوند؟',
  pf_saved: '{s} ذخیره شد.', pf_removed: '{s} حذف شد.', pf_cleared: 'همهٔ دارایی‌ها پاک شدند.',
  pf_imported: '{n} دارایی از فایل بارگذاری شد.', pf_exported: '{n} دارایی در فایل ذخیره شد.',
  pf_err_symbol: 'نماد باید ۱ تا ۱۵ حرف بزرگ لاتین یا رقم باشد، مثل BTC.',
  pf_err_amount: 'مقدار باید عددی بزرگ‌تر از صفر باشد، مثل ۱۲٫۵.',
  pf_err_buy: 'قیمت خرید را خالی بگذارید یا عددی بزرگ‌تر از صفر بنویسید.',
  pf_err_full: 'حداکثر {n} دارایی را می‌توان ثبت کرد.',
  pf_err_save: 'ذخیره در این مرورگر ممکن نشد (حافظهٔ مرورگر پر یا غیرفعال است). چیزی تغییر نکرد.',
  pf_err_file_json: 'این فایل JSON نیست. چیزی تغییر نکرد.',
  pf_err_file_big: 'این فایل برای سبد دارایی بیش از حد بزرگ است. چیزی تغییر نکرد.',
  pf_err_file_newer: 'این فایل را نسخهٔ جدیدتری از نبض ساخته است. چیزی تغییر نکرد.',
  pf_err_file_shape: 'این فایل سبد دارایی نبض نیست. چیزی تغییر نکرد.',
  pf_err_file_row: 'دارایی شمارهٔ {n} در این فایل نادرست است یا نمادش تکراری است. چیزی تغییر نکرد.',
  pf_refused_garbage: 'سبد دارایی ذخیره‌شده در این مرورگر خوانا نیست و دست‌نخورده مانده است. می‌توانید آن را دانلود کنید یا با «پاک کردن همه» از نو شروع کنید.',
  pf_refused_newer: 'سبد دارایی این مرورگر را نسخهٔ جدیدتری از نبض ذخیره کرده و دست‌نخورده مانده است. می‌توانید آن را دانلود کنید یا با «پاک کردن همه» از نو شروع کنید.',
});
