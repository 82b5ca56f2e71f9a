import { ConsoleLogger } from '@nestjs/common';
import { redactLogText } from './redact-log-text';

/** The service's logger: Nest's console format, every line and stack through redactLogText. */
export class RedactingLogger extends ConsoleLogger {
  protected override formatMessage(...args: Parameters<ConsoleLogger['formatMessage']>): string {
    return redactLogText(super.formatMessage(...args));
  }

  // Nest calls this with `undefined` when a message comes without a stack.
  protected override printStackTrace(stack: string | undefined): void {
    if (stack) super.printStackTrace(redactLogText(stack));
  }
}
