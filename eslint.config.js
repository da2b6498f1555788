import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** One-way layers: servers ← bench → results ← reports, everyone → lib (see DESIGN.md). */
const forbid = (...folders) => ({
  'no-restricted-imports': ['error', { patterns: folders.map((folder) => ({ group: [`**/${folder}/*`, `../${folder}/*`], message: `this layer must not import from ${folder}/: the arrows run one way (README, Layout)` })) }],
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/runs/', 'reports/out/', 'test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js', 'test/fixtures/*.mjs'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  { files: ['lib/**/*.ts'], rules: forbid('servers', 'bench', 'results', 'reports', 'scripts') },
  { files: ['results/**/*.ts'], rules: forbid('servers', 'bench', 'reports', 'scripts') },
  { files: ['servers/**/*.ts'], rules: forbid('bench', 'results', 'reports', 'scripts') },
  { files: ['bench/**/*.ts'], rules: forbid('reports', 'scripts') },
  { files: ['reports/**/*.ts'], rules: forbid('servers', 'bench', 'scripts') },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
