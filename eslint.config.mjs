import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      '.kafka/**',
      '.tools/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    // A package uses another through its library alias (@tracker/...), never by a relative path
    // into that package's sources.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**', '**/apps/**', '**/libs/**'],
              message: "Import the package's library (@tracker/...) instead of its files.",
            },
          ],
        },
      ],
    },
  },
  {
    // The write side and the fan-out never read the read model: they fold call streams themselves.
    files: [
      'libs/call-stream/**/*.ts',
      'libs/fanout/**/*.ts',
      'apps/tracker/src/calls/call-command*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@tracker/read-model', message: 'The write side never reads the read model.' },
          ],
          patterns: [
            {
              group: ['**/src/**', '**/apps/**', '**/libs/**'],
              message: "Import the package's library (@tracker/...) instead of its files.",
            },
          ],
        },
      ],
    },
  },
  {
    // The pure domain must stay free of Nest, store and Kafka imports.
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@nestjs/*',
            'kafkajs',
            '@eventstore/*',
            'libsql',
            '@tracker/event-store',
            '@tracker/call-stream',
            '@tracker/read-model',
            '@tracker/fanout',
            'fs',
            'node:fs',
            'http',
            'node:http',
            'net',
            'node:net',
          ],
        },
      ],
    },
  },
);
