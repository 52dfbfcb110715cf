import { mailgunAdapter } from "./email/mailgun";
import { sandboxAdapter } from "./email/sandbox";
import { sendgridAdapter } from "./email/sendgrid";
import { sesAdapter } from "./email/ses";
import { smtpAdapter } from "./email/smtp";
import { africastalkingAdapter } from "./sms/africastalking";
import { consoleAdapter } from "./sms/console";
import { messagebirdAdapter } from "./sms/messagebird";
import { snsAdapter } from "./sms/sns";
import { twilioAdapter } from "./sms/twilio";
import { vonageAdapter } from "./sms/vonage";
import { type Adapter, type EmailAdapter, PROVIDER_TYPES, type ProviderType, type SmsAdapter } from "./types";

/** Every provider type's adapter; the Record type makes a missing one a compile error. */
export const adapters: Record<ProviderType, Adapter> = {
  smtp: smtpAdapter as EmailAdapter,
  sendgrid: sendgridAdapter as EmailAdapter,
  ses: sesAdapter as EmailAdapter,
  mailgun: mailgunAdapter as EmailAdapter,
  sandbox: sandboxAdapter as EmailAdapter,
  twilio: twilioAdapter as SmsAdapter,
  sns: snsAdapter as SmsAdapter,
  africastalking: africastalkingAdapter as SmsAdapter,
  vonage: vonageAdapter as SmsAdapter,
  messagebird: messagebirdAdapter as SmsAdapter,
  console: consoleAdapter as SmsAdapter,
};

export function adapterFor(type: ProviderType): Adapter {
  return adapters[type];
}

/** Provider types whose adapter can look up a message's status (to heal missed webhooks). */
export function pollableTypes(): ProviderType[] {
  return PROVIDER_TYPES.filter((t) => {
    const a = adapters[t];
    return a.channel === "sms" && typeof a.fetchStatus === "function";
  });
}
