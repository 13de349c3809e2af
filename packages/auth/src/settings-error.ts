/** A setting with a value it cannot take; the message names the setting. */
export class SettingsError extends Error {
  constructor(readonly setting: string, problem: string) {
    super(`${setting}: ${problem}`);
    this.name = 'SettingsError';
  }
}
