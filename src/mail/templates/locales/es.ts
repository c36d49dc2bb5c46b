import type { LocaleTexts } from '../texts.ts';

export const es: LocaleTexts = {
  passcode: {
    passcode_sign_up: {
      subject: (code, tenant) => `${code} es tu código de verificación de ${tenant}`,
      heading: 'Verifica tu dirección de correo electrónico',
      lead: (tenant) => `Usa este código para completar tu registro en ${tenant}:`,
    },
    passcode_sign_in: {
      subject: (code, tenant) => `${code} es tu código de inicio de sesión de ${tenant}`,
      heading: 'Tu código de inicio de sesión',
      lead: (tenant) => `Usa este código para iniciar sesión en ${tenant}:`,
    },
    passcode_password_reset: {
      subject: (code, tenant) => `${code} es tu código para restablecer la contraseña de ${tenant}`,
      heading: 'Restablece tu contraseña',
      lead: (tenant) => `Usa este código para restablecer tu contraseña de ${tenant}:`,
    },
  },
  expires: (minutes) => `Este código caduca en ${minutes} ${minutes === 1 ? 'minuto' : 'minutos'} y solo se puede usar una vez.`,
  unexpected: [
    'Si no has solicitado este código, puedes ignorar este correo. Es posible que alguien haya escrito tu dirección por error.',
    'No compartas este código con nadie.',
  ],
  notice: {
    password_changed: ({ tenant, email }) => ({
      subject: `Se ha cambiado tu contraseña de ${tenant}`,
      heading: 'Se ha cambiado tu contraseña',
      paragraphs: [
        `Se acaba de cambiar la contraseña de tu cuenta de ${tenant} ${email}.`,
        'Si has sido tú, no tienes que hacer nada más.',
        `Si no, restablece ya tu contraseña con «¿Olvidaste tu contraseña?» en la página de inicio de sesión de ${tenant} y ponte en contacto con el soporte de ${tenant}.`,
      ],
    }),
    sign_up_existing_account: ({ tenant, email }) => ({
      subject: `Ya tienes una cuenta de ${tenant}`,
      heading: 'Ya tienes una cuenta',
      paragraphs: [
        `Alguien, probablemente tú, ha intentado registrarse en ${tenant} con ${email}. Esta dirección ya tiene una cuenta, así que no se ha creado ninguna nueva.`,
        'Para entrar, inicia sesión con esta dirección. Si has olvidado tu contraseña, elige «¿Olvidaste tu contraseña?» en la página de inicio de sesión.',
        'Si no has sido tú, puedes ignorar este correo: tu cuenta no ha cambiado.',
      ],
    }),
    password_reset_unknown_account: ({ tenant, email }) => ({
      subject: `Solicitud para restablecer la contraseña de ${tenant}`,
      heading: 'Solicitud para restablecer la contraseña',
      paragraphs: [
        `Alguien, probablemente tú, ha pedido restablecer la contraseña de una cuenta de ${tenant} para ${email}. No hay ninguna cuenta de ${tenant} con esta dirección.`,
        'Si tienes una cuenta, puede que te registraras con otra dirección: prueba con esa. También puedes registrarte con esta dirección.',
        'Si no has sido tú, puedes ignorar este correo.',
      ],
    }),
  },
  footer: ({ tenant, email }) => `Este correo se ha enviado a ${email} en nombre de ${tenant}.`,
};
