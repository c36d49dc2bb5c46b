import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MailTemplate } from '../../src/core/mail/outgoing-mail.ts';
import { MailLocales, resolveMailLocale } from '../../src/mail/templates/catalog.ts';
import { MailRenderError, renderMail } from '../../src/mail/templates/render.ts';

const params = { tenantName: 'Contoso', email: 'alex@example.com', code: '04271937', lifetimeMinutes: 10 };
const passcodeTemplates = MailTemplate.filter((t) => t.startsWith('passcode_'));
const noticeTemplates = MailTemplate.filter((t) => !t.startsWith('passcode_'));

describe('mail templates', () => {
  it('render every template in every locale, with the tenant name and without any link', () => {
    for (const locale of MailLocales) {
      for (const template of MailTemplate) {
        const mail = renderMail({ template, locale, to: params.email, params });
        const where = `${template}/${locale}`;
        assert.ok(mail.subject.includes('Contoso'), `${where}: subject names the tenant`);
        assert.ok(mail.text.includes('Contoso') && mail.html.includes('Contoso'), `${where}: body names the tenant`);
        assert.ok(mail.html.includes(`lang="${locale}"`), `${where}: html is marked with its language`);
        for (const body of [mail.text, mail.html]) {
          assert.doesNotMatch(body, /https?:|<a[\s>]|href=|www\./i, `${where}: no links at all`);
        }
      }
    }
  });

  it('put the code in the subject and prominently in the body of passcode mails, with its lifetime', () => {
    for (const locale of MailLocales) {
      for (const template of passcodeTemplates) {
        const mail = renderMail({ template, locale, to: params.email, params });
        const where = `${template}/${locale}`;
        assert.ok(mail.subject.startsWith('04271937 '), `${where}: subject starts with the code`);
        assert.match(mail.text, /^ {4}04271937$/m, `${where}: code on a line of its own`);
        assert.match(mail.html, /font-family:Consolas[^"]*font-size:32px[^"]*">04271937<\/p>/, `${where}: code large and monospace`);
        assert.match(mail.text, /\b10\b/, `${where}: lifetime shown`);
        assert.equal(mail.code, '04271937');
      }
    }
  });

  it('word each passcode purpose and the "not you?" line in English', () => {
    const subjects = passcodeTemplates.map((template) => renderMail({ template, locale: 'en', to: params.email, params }).subject);
    assert.deepEqual(subjects.sort(), [
      '04271937 is your Contoso password reset code',
      '04271937 is your Contoso sign-in code',
      '04271937 is your Contoso verification code',
    ]);
    const mail = renderMail({ template: 'passcode_sign_up', locale: 'en', to: params.email, params });
    assert.match(mail.text, /This code expires in 10 minutes/);
    assert.match(mail.text, /If you didn't ask for this code, you can ignore this email/);
    assert.match(
      renderMail({ template: 'passcode_sign_in', locale: 'en', to: 'a@b.example', params: { ...params, lifetimeMinutes: 1 } }).text,
      /in 1 minute and/,
    );
  });

  it('carry no code in notices even when one is passed', () => {
    for (const template of noticeTemplates) {
      const mail = renderMail({ template, locale: 'en', to: params.email, params });
      assert.equal(mail.code, undefined);
      assert.ok(!mail.subject.includes('04271937') && !mail.text.includes('04271937') && !mail.html.includes('04271937'), template);
      assert.ok(mail.text.includes('alex@example.com'), `${template}: names the address`);
    }
  });

  it('fall back to English for unknown languages and to the primary language for regional tags', () => {
    assert.equal(resolveMailLocale('fr-CA'), 'fr');
    assert.equal(resolveMailLocale('DE_at'), 'de');
    assert.equal(resolveMailLocale('es-419'), 'es');
    assert.equal(resolveMailLocale('ja'), 'en');
    assert.equal(resolveMailLocale(''), 'en');
    assert.equal(resolveMailLocale('__proto__'), 'en');
    const canadian = renderMail({ template: 'passcode_sign_up', locale: 'fr-CA', to: params.email, params });
    assert.equal(canadian.subject, '04271937 est votre code de vérification Contoso');
    const japanese = renderMail({ template: 'passcode_sign_up', locale: 'ja-JP', to: params.email, params });
    assert.equal(japanese.subject, '04271937 is your Contoso verification code');
  });

  it('word German and Spanish mails in their language', () => {
    assert.equal(renderMail({ template: 'passcode_sign_in', locale: 'de', to: params.email, params }).subject, '04271937 ist Ihr Anmeldecode für Contoso');
    assert.equal(
      renderMail({ template: 'passcode_password_reset', locale: 'es', to: params.email, params }).subject,
      '04271937 es tu código para restablecer la contraseña de Contoso',
    );
    assert.match(renderMail({ template: 'password_changed', locale: 'de', to: params.email, params }).text, /Ihr Passwort wurde geändert/);
  });

  it('escape every parameter in the HTML and keep values on one line', () => {
    const hostile = { ...params, tenantName: '<script>alert("x")</script> & Co\r\nBcc: evil@example.com', email: '"><img src=x>@example.com' };
    for (const template of MailTemplate) {
      const mail = renderMail({ template, locale: 'en', to: 'a@b.example', params: hostile });
      assert.ok(!mail.html.includes('<script>') && !mail.html.includes('<img'), `${template}: markup escaped`);
      assert.ok(mail.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co Bcc: evil@example.com'), `${template}: tenant escaped`);
      assert.ok(!/[\r\n]/.test(mail.subject), `${template}: subject is one line`);
    }
  });

  it('refuse to render without a tenant name, or a passcode mail without a printable code', () => {
    assert.throws(() => renderMail({ template: 'password_changed', locale: 'en', to: 'a@b.example', params: { email: 'a@b.example' } }), MailRenderError);
    assert.throws(() => renderMail({ template: 'passcode_sign_up', locale: 'en', to: 'a@b.example', params: { tenantName: 'C' } }), MailRenderError);
    assert.throws(
      () => renderMail({ template: 'passcode_sign_up', locale: 'en', to: 'a@b.example', params: { tenantName: 'C', code: 12345678 } }),
      MailRenderError,
    );
    assert.throws(
      () => renderMail({ template: 'passcode_sign_up', locale: 'en', to: 'a@b.example', params: { tenantName: 'C', code: '12 34' } }),
      MailRenderError,
    );
  });

  it('still send a code whose lifetime is missing or unusable, without the lifetime line', () => {
    const mail = renderMail({ template: 'passcode_sign_in', locale: 'en', to: 'a@b.example', params: { tenantName: 'C', code: '1234', lifetimeMinutes: 0 } });
    assert.equal(mail.subject, '1234 is your C sign-in code');
    assert.doesNotMatch(mail.text, /expires/);
  });

  it('use the recipient as the email value when none is given', () => {
    const mail = renderMail({ template: 'sign_up_existing_account', locale: 'en', to: 'owner@example.com', params: { tenantName: 'C' } });
    assert.match(mail.text, /owner@example\.com/);
  });
});
