/**
 * The hosted pages' only script (served at /static/latchkey.js, allowed by `script-src 'self'`;
 * no inline script anywhere). It turns each "Show password" button, rendered hidden so pages work
 * unchanged without JavaScript, into a toggle for the password fields it names (checklist C17,
 * NIST 800-63B §5.1.1.2). The button keeps one label and reports its state with aria-pressed, as
 * WAI-ARIA advises for toggle buttons; the fields go back to masked before the form submits, so a
 * browser never files the password as ordinary text.
 */
export const showPasswordScript = `(function () {
  'use strict';
  var buttons = document.querySelectorAll('button.show-password[data-fields]');
  Array.prototype.forEach.call(buttons, function (button) {
    var fields = button.getAttribute('data-fields').split(' ').map(function (id) { return document.getElementById(id); }).filter(Boolean);
    if (fields.length === 0) return;
    var mask = function (hidden) {
      fields.forEach(function (field) { field.type = hidden ? 'password' : 'text'; });
      button.setAttribute('aria-pressed', hidden ? 'false' : 'true');
    };
    button.addEventListener('click', function () { mask(button.getAttribute('aria-pressed') === 'true'); });
    if (button.form) button.form.addEventListener('submit', function () { mask(true); });
    button.hidden = false;
  });
})();
`;
