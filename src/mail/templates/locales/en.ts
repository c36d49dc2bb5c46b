import type { LocaleTexts } from '../texts.ts';

/** English, the default and the fallback for every unknown language. */
export const en: LocaleTexts = {
  passcode: {
    passcode_sign_up: {
      subject: (code, tenant) => `${code} is your ${tenant} verification code`,
      heading: 'Verify your email address',
      lead: (tenant) => `Use this code to finish signing up for ${tenant}:`,
    },
    passcode_sign_in: {
      subject: (code, tenant) => `${code} is your ${tenant} sign-in code`,
      heading: 'Your sign-in code',
      lead: (tenant) => `Use this code to sign in to ${tenant}:`,
    },
    passcode_password_reset: {
      subject: (code, tenant) => `${code} is your ${tenant} password reset code`,
      heading: 'Reset your password',
      lead: (tenant) => `Use this code to reset your ${tenant} password:`,
    },
  },
  expires: (minutes) => `This code expires in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} and works only once.`,
  unexpected: [
    "If you didn't ask for this code, you can ignore this email. Someone may have typed your email address by mistake.",
    'Never share this code with anyone.',
  ],
  notice: {
    password_changed: ({ tenant, email }) => ({
      subject: `Your ${tenant} password was changed`,
      heading: 'Your password was changed',
      paragraphs: [
        `The password of your ${tenant} account ${email} was just changed.`,
        'If you did this, there is nothing else to do.',
        `If you didn't, reset your password now with "Forgot password?" on the ${tenant} sign-in page, and contact ${tenant} support.`,
      ],
    }),
    sign_up_existing_account: ({ tenant, email }) => ({
      subject: `You already have a ${tenant} account`,
      heading: 'You already have an account',
      paragraphs: [
        `Someone, probably you, tried to sign up for ${tenant} with ${email}. This email address already has an account, so no new account was created.`,
        'To get in, sign in with this email address. If you forgot your password, choose "Forgot password?" on the sign-in page.',
        "If this wasn't you, you can ignore this email: your account has not changed.",
      ],
    }),
    password_reset_unknown_account: ({ tenant, email }) => ({
      subject: `${tenant} password reset request`,
      heading: 'Password reset request',
      paragraphs: [
        `Someone, probably you, asked to reset the password of a ${tenant} account for ${email}. There is no ${tenant} account with this email address.`,
        'If you have an account, you may have signed up with another email address: try that one. You can also sign up with this address.',
        "If this wasn't you, you can ignore this email.",
      ],
    }),
  },
  footer: ({ tenant, email }) => `This email was sent to ${email} by ${tenant}.`,
};
