/**
 * YAML parsing, loaded on first use: most runs read only JSON, and the yaml package costs about 30 ms
 * of start-up, which the CLI on a snapshot should not pay.
 */
export function parseYaml(text: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('yaml') as typeof import('yaml');
  return yaml.parse(text);
}
