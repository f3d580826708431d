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
    sources: 'Sources', source: 'Source', status: 'Status', latency: 'Latency', last_success: 'Last success', errors: 'Errors', watching: 'Watching {n} symbols',
    status_ok: 'ok', status_down: 'down', status_unknown: 'unknown',
    audience: 'Audience', active: 'Online now', unique: 'Unique users', total: 'Total sessions', peak: 'Peak', client_types: 'Client types', groups: 'Group audiences',
    ct_browser: 'Browser', ct_api: 'API', ct_mobile: 'Mobile', ct_bot: 'Bot', ct_iot: 'IoT',
    g_prices: 'Prices', g_market: 'Market', g_news: 'News', g_alerts: 'Alerts',
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
    sources: 'منابع داده', source: 'منبع', status: 'وضعیت', latency: 'تأخیر', last_success: 'آخرین پاسخ موفق', errors: 'خطاها', watching: 'پایش {n} نماد',
    status_ok: 'سالم', status_down: 'قطع', status_unknown: 'نامعلوم',
    audience: 'مخاطبان', active: 'هم‌اکنون آنلاین', unique: 'کاربران یکتا', total: 'کل نشست‌ها', peak: 'اوج', client_types: 'نوع کلاینت', groups: 'مخاطبان هر گروه',
    ct_browser: 'مرورگر', ct_api: 'API', ct_mobile: 'موبایل', ct_bot: 'ربات', ct_iot: 'اینترنت اشیا',
    g_prices: 'قیمت‌ها', g_market: 'بازار', g_news: 'اخبار', g_alerts: 'هشدارها',
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
