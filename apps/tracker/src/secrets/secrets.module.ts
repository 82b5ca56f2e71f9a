import { Global, Inject, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { SecretVault } from './secret-vault';

/** The vault when RECORDING_TOKEN_KEY is set; `null` means secrets are dropped, never stored. */
export const SECRET_VAULT = Symbol('SECRET_VAULT');

@Global()
@Module({
  providers: [
    {
      provide: SECRET_VAULT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.secretsKey ? new SecretVault(config.secretsKey) : null,
    },
  ],
  exports: [SECRET_VAULT],
})
export class SecretsModule implements OnApplicationBootstrap {
  constructor(@Inject(SECRET_VAULT) private readonly vault: SecretVault | null) {}

  onApplicationBootstrap(): void {
    new Logger('Secrets').log(
      this.vault
        ? `recording access tokens are stored encrypted (AES-256-GCM, key "${this.vault.keyId}")`
        : 'RECORDING_TOKEN_KEY is not set: recording access tokens are dropped, never stored',
    );
  }
}
