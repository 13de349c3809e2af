/** One or more environment variables with values the app cannot start with. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A value one setting cannot take; ConfigError collects them. */
export class SettingProblem extends Error {}
