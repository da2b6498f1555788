import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The arrows of the house (README, Layout; test/layers.test.ts follows every import too):
 *   servers ← bench → results ← reports, and everyone → lib;
 * and inside the layers, rooms that lean one way: the application (servers/app) knows nothing of the models that
 * run it; the load drivers (bench/load) and the machine probes (bench/machine) are leaves that a load process or an
 * agent can run alone; the network room does not know the run; nothing of the bench knows the live view; the
 * statistics (results/stats) know no theory; the words (reports/text) know no page.
 */
const rule = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map(([group, why]) => ({ group, message: why })) }],
});
const layer = (folder) => [[`**/${folder}/*`, `../${folder}/*`], `this layer must not import from ${folder}/: the arrows run one way (README, Layout)`];
/** A sibling room: `../<room>/…` from inside its layer, or the full path from elsewhere. */
const room = (path, why) => [[`**/${path}/*`, `../${path.split('/').pop()}/*`], why];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/runs/', 'reports/out/', 'reports/class/', 'test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js', 'test/fixtures/*.mjs'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  { files: ['lib/**/*.ts'], rules: rule(layer('servers'), layer('bench'), layer('results'), layer('reports'), layer('scripts')) },
  { files: ['results/**/*.ts'], rules: rule(layer('servers'), layer('bench'), layer('reports'), layer('scripts')) },
  { files: ['results/stats/**/*.ts'], rules: rule(layer('servers'), layer('bench'), layer('reports'), layer('scripts'), room('results/theory', 'statistics know no theory: results/theory builds on results/stats')) },
  { files: ['servers/**/*.ts'], rules: rule(layer('bench'), layer('results'), layer('reports'), layer('scripts')) },
  {
    files: ['servers/app/*.ts'],
    rules: rule(layer('bench'), layer('results'), layer('reports'), layer('scripts'), [['../*.js', '../models/*', '../sessions/*'], 'the application is written once and knows nothing of the models or the launcher that run it']),
  },
  {
    files: ['servers/app/*/**/*.ts'],
    rules: rule(layer('bench'), layer('results'), layer('reports'), layer('scripts'), [['../../*.js', '../../models/*', '../../sessions/*'], 'the application is written once and knows nothing of the models or the launcher that run it']),
  },
  { files: ['bench/**/*.ts'], rules: rule(layer('reports'), layer('scripts'), room('bench/live', 'the bench does not know its live view: the view listens to the run\'s hooks')) },
  { files: ['bench/live/**/*.ts'], rules: rule(layer('reports'), layer('scripts')) },
  { files: ['bench/machine/**/*.ts'], rules: rule(layer('reports'), layer('scripts'), ...['run', 'plan', 'live', 'network', 'load'].map((r) => room(`bench/${r}`, `the machine probes are a leaf: not bench/${r}`))) },
  { files: ['bench/load/**/*.ts'], rules: rule(layer('reports'), layer('scripts'), ...['run', 'plan', 'live', 'network', 'machine'].map((r) => room(`bench/${r}`, `the load drivers are a leaf (a load process or an agent runs them alone): not bench/${r}`))) },
  { files: ['bench/network/**/*.ts'], rules: rule(layer('reports'), layer('scripts'), ...['run', 'plan', 'live'].map((r) => room(`bench/${r}`, `the network room does not know the run: not bench/${r}`))) },
  { files: ['bench/plan/**/*.ts'], rules: rule(layer('reports'), layer('scripts'), ...['run', 'live'].map((r) => room(`bench/${r}`, `the plan is made before the run: not bench/${r}`))) },
  { files: ['reports/**/*.ts'], rules: rule(layer('servers'), layer('bench'), layer('scripts'), layer('hub')) },
  { files: ['reports/text/**/*.ts'], rules: rule(layer('servers'), layer('bench'), layer('scripts'), room('reports/views', 'the words know no view'), room('reports/pages', 'the words know no page')) },
  // The class hub sits beside the reports: it renders the class page from shared results, and runs nothing.
  { files: ['hub/**/*.ts'], rules: rule(layer('servers'), layer('bench'), layer('scripts')) },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
