// ESLint for every package, app and script: typescript-eslint's recommended
// rules (syntax-only, so linting needs no build and stays fast), Vue's for
// the Vue demo's components, and nothing about layout: Prettier formats.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.turbo/**',
      '**/.angular/**',
      'bench/results/**',
      // the leak corpora are pages as they are found in the wild, scripts included
      'packages/core/test/leak-corpus/**',
      'examples/**/.next/**',
      'examples/**/.nuxt/**',
      'examples/**/.output/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      // serialized rrweb events and hostile batches are untyped JSON: the scrubber reads them as `any` on purpose
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // an empty catch says "nothing more can be done" with a comment inside, which the rule accepts
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // tests and the demo's entry define small components inline, next to what uses them
    files: ['**/test/**', '**/*.test.ts', 'apps/demo-vue/src/main.ts'],
    rules: { 'vue/one-component-per-file': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
