import type { LocaleTexts } from '../texts.ts';

export const de: LocaleTexts = {
  passcode: {
    passcode_sign_up: {
      subject: (code, tenant) => `${code} ist Ihr Bestätigungscode für ${tenant}`,
      heading: 'Bestätigen Sie Ihre E-Mail-Adresse',
      lead: (tenant) => `Mit diesem Code schließen Sie Ihre Registrierung bei ${tenant} ab:`,
    },
    passcode_sign_in: {
      subject: (code, tenant) => `${code} ist Ihr Anmeldecode für ${tenant}`,
      heading: 'Ihr Anmeldecode',
      lead: (tenant) => `Mit diesem Code melden Sie sich bei ${tenant} an:`,
    },
    passcode_password_reset: {
      subject: (code, tenant) => `${code} ist Ihr Code zum Zurücksetzen des Passworts für ${tenant}`,
      heading: 'Passwort zurücksetzen',
      lead: (tenant) => `Mit diesem Code setzen Sie Ihr Passwort für ${tenant} zurück:`,
    },
  },
  expires: (minutes) => `Der Code ist ${minutes} ${minutes === 1 ? 'Minute' : 'Minuten'} gültig und kann nur einmal verwendet werden.`,
  unexpected: [
    'Wenn Sie diesen Code nicht angefordert haben, können Sie diese E-Mail ignorieren. Möglicherweise hat jemand Ihre E-Mail-Adresse versehentlich eingegeben.',
    'Geben Sie diesen Code niemals weiter.',
  ],
  notice: {
    password_changed: ({ tenant, email }) => ({
      subject: `Ihr Passwort für ${tenant} wurde geändert`,
      heading: 'Ihr Passwort wurde geändert',
      paragraphs: [
        `Das Passwort Ihres Kontos ${email} bei ${tenant} wurde soeben geändert.`,
        'Wenn Sie das waren, müssen Sie nichts weiter tun.',
        `Wenn nicht, setzen Sie Ihr Passwort sofort über „Passwort vergessen?“ auf der Anmeldeseite von ${tenant} zurück und wenden Sie sich an den Support von ${tenant}.`,
      ],
    }),
    sign_up_existing_account: ({ tenant, email }) => ({
      subject: `Sie haben bereits ein Konto bei ${tenant}`,
      heading: 'Sie haben bereits ein Konto',
      paragraphs: [
        `Jemand, vermutlich Sie, hat versucht, sich mit ${email} bei ${tenant} zu registrieren. Für diese E-Mail-Adresse gibt es bereits ein Konto, daher wurde kein neues angelegt.`,
        'Melden Sie sich mit dieser E-Mail-Adresse an. Wenn Sie Ihr Passwort vergessen haben, wählen Sie auf der Anmeldeseite „Passwort vergessen?“.',
        'Wenn Sie das nicht waren, können Sie diese E-Mail ignorieren: Ihr Konto wurde nicht verändert.',
      ],
    }),
    password_reset_unknown_account: ({ tenant, email }) => ({
      subject: `Anfrage zum Zurücksetzen des Passworts bei ${tenant}`,
      heading: 'Anfrage zum Zurücksetzen des Passworts',
      paragraphs: [
        `Jemand, vermutlich Sie, hat angefordert, das Passwort eines Kontos bei ${tenant} für ${email} zurückzusetzen. Für diese E-Mail-Adresse gibt es kein Konto bei ${tenant}.`,
        'Falls Sie ein Konto haben, haben Sie sich vielleicht mit einer anderen E-Mail-Adresse registriert: Versuchen Sie es mit dieser. Sie können sich auch mit dieser Adresse registrieren.',
        'Wenn Sie das nicht waren, können Sie diese E-Mail ignorieren.',
      ],
    }),
  },
  footer: ({ tenant, email }) => `Diese E-Mail wurde von ${tenant} an ${email} gesendet.`,
};
