/**
 * npm run agent's arguments: --broker (required), --name (the host's name by default), --cpus, --lang. Read before
 * anything connects, so that a mistake is one line and status 2.
 */
import { availableParallelism, hostname } from 'node:os';
import { isCoreList } from '../machine/placement.js';
import { parseArgs } from 'node:util';
import { argsErrorMessage } from '../../lib/args.js';
import { messageOf } from '../../lib/errors.js';
import { t } from '../../lib/lang/lang.js';
import { AGENT_NAME } from './broker.js';
import { brokerUrl } from '../../lib/broker-url.js';

export type AgentCommand =
  | { readonly kind: 'run'; readonly broker: string; readonly name: string; readonly cpus?: string }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** The host's name as an agent's: one agent per laptop in a class (two on one host need names of their own). */
export function defaultAgentName(host: string = hostname()): string {
  const name = host.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 48);
  return name === '' ? 'agent' : name;
}

export function parseAgentArgs(argv: readonly string[]): AgentCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: { broker: { type: 'string' }, name: { type: 'string' }, cpus: { type: 'string' }, lang: { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (error: unknown) {
    return { kind: 'error', message: argsErrorMessage(error) };
  }
  if (values.help === true) return { kind: 'help' };
  if (values.broker === undefined) return { kind: 'error', message: t('cli.agent.needsBroker') };
  let broker: string;
  try {
    broker = brokerUrl(values.broker);
  } catch (error: unknown) {
    return { kind: 'error', message: messageOf(error) };
  }
  const name = values.name ?? defaultAgentName();
  if (!AGENT_NAME.test(name)) return { kind: 'error', message: t('cli.agent.badName', { name: JSON.stringify(name.slice(0, 60)) }) };
  const cpus = values.cpus;
  if (cpus !== undefined && !isCoreList(cpus, availableParallelism())) return { kind: 'error', message: t('cli.agent.badCpus', { cpus: JSON.stringify(cpus.slice(0, 40)) }) };
  return { kind: 'run', broker, name, ...(cpus === undefined ? {} : { cpus }) };
}
