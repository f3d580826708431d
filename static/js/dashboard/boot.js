/*
 * Runs before the first paint: applies the remembered language, theme and
 * the ?display=1 wall-screen mode, so the page never flashes the wrong
 * direction or colours.
 */
(function () {
  'use strict';
  var html = document.documentElement;
  var get = function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } };
  var params = new URLSearchParams(location.search);
  var lang = params.get('lang') || get('nabz.lang') ||
    ((navigator.language || '').toLowerCase().indexOf('fa') === 0 ? 'fa' : 'en');
  if (lang !== 'fa') lang = 'en';
  html.lang = lang;
  html.dir = lang === 'fa' ? 'rtl' : 'ltr';
  var theme = params.get('theme') || get('nabz.theme');
  if (theme === 'dark' || theme === 'light') html.dataset.theme = theme;
  if (params.get('display') === '1') html.classList.add('display-mode');
})();
