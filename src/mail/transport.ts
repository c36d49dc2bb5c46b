/** A rendered mail, ready for a transport. */
export interface MailMessage {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /**
   * The passcode and the origin it is bound to, sent as the OTP-Token header
   * (draft-goto-otp-token) so mail clients can offer the code for autofill. Optional: only
   * passcode mails carry it, and only when the server's origin is https (or loopback http).
   */
  otp?: { code: string; origin: string };
}

export interface SendOptions {
  /** Aborts the send; a transport that honours it closes its connection for this message. */
  signal?: AbortSignal;
}

/**
 * Where rendered mail goes: SMTP in production, the in-memory dev mailbox in development.
 * `send` resolves once the message was accepted for delivery and rejects otherwise; the outbox
 * worker retries a rejected send, so a transport never retries on its own.
 */
export interface MailTransport {
  send(message: MailMessage, options?: SendOptions): Promise<void>;
  /** Waits for messages being handed over, then releases connections. */
  close?(): Promise<void>;
}
