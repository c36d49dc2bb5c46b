import type { LocaleTexts } from '../texts.ts';

// Why \u00a0: French typography puts a non-breaking space before ":", "?" and inside « ».
export const fr: LocaleTexts = {
  passcode: {
    passcode_sign_up: {
      subject: (code, tenant) => `${code} est votre code de vérification ${tenant}`,
      heading: 'Vérifiez votre adresse e-mail',
      lead: (tenant) => `Utilisez ce code pour terminer votre inscription à ${tenant}\u00a0:`,
    },
    passcode_sign_in: {
      subject: (code, tenant) => `${code} est votre code de connexion ${tenant}`,
      heading: 'Votre code de connexion',
      lead: (tenant) => `Utilisez ce code pour vous connecter à ${tenant}\u00a0:`,
    },
    passcode_password_reset: {
      subject: (code, tenant) => `${code} est votre code de réinitialisation du mot de passe ${tenant}`,
      heading: 'Réinitialisez votre mot de passe',
      lead: (tenant) => `Utilisez ce code pour réinitialiser votre mot de passe ${tenant}\u00a0:`,
    },
  },
  expires: (minutes) => `Ce code expire dans ${minutes} ${minutes <= 1 ? 'minute' : 'minutes'} et ne peut servir qu'une fois.`,
  unexpected: [
    "Si vous n'avez pas demandé ce code, vous pouvez ignorer cet e-mail. Quelqu'un a peut-être saisi votre adresse par erreur.",
    'Ne communiquez jamais ce code à personne.',
  ],
  notice: {
    password_changed: ({ tenant, email }) => ({
      subject: `Votre mot de passe ${tenant} a été modifié`,
      heading: 'Votre mot de passe a été modifié',
      paragraphs: [
        `Le mot de passe de votre compte ${tenant} ${email} vient d'être modifié.`,
        "Si c'est vous, vous n'avez rien d'autre à faire.",
        `Sinon, réinitialisez tout de suite votre mot de passe avec «\u00a0Mot de passe oublié\u00a0?\u00a0» sur la page de connexion de ${tenant}, et contactez le support de ${tenant}.`,
      ],
    }),
    sign_up_existing_account: ({ tenant, email }) => ({
      subject: `Vous avez déjà un compte ${tenant}`,
      heading: 'Vous avez déjà un compte',
      paragraphs: [
        `Quelqu'un, probablement vous, a essayé de créer un compte ${tenant} avec l'adresse ${email}. Cette adresse a déjà un compte\u00a0; aucun nouveau compte n'a été créé.`,
        'Pour y accéder, connectez-vous avec cette adresse. Si vous avez oublié votre mot de passe, choisissez «\u00a0Mot de passe oublié\u00a0?\u00a0» sur la page de connexion.',
        "Si ce n'était pas vous, ignorez cet e-mail\u00a0: votre compte n'a pas été modifié.",
      ],
    }),
    password_reset_unknown_account: ({ tenant, email }) => ({
      subject: `Demande de réinitialisation du mot de passe ${tenant}`,
      heading: 'Demande de réinitialisation du mot de passe',
      paragraphs: [
        `Quelqu'un, probablement vous, a demandé à réinitialiser le mot de passe d'un compte ${tenant} pour l'adresse ${email}. Il n'existe aucun compte ${tenant} avec cette adresse.`,
        'Si vous avez un compte, vous vous êtes peut-être inscrit avec une autre adresse\u00a0: essayez avec celle-ci. Vous pouvez aussi créer un compte avec cette adresse.',
        "Si ce n'était pas vous, ignorez cet e-mail.",
      ],
    }),
  },
  footer: ({ tenant, email }) => `Cet e-mail a été envoyé à ${email} par ${tenant}.`,
};
