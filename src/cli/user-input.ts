import { isBlankPassword, validatePassword, type PasswordUser } from '../users/password-validation.js';
import { emailErrors, usernameErrors } from '../users/user-fields.js';
import type { CliContext } from './command.js';
import { CommandError } from './errors.js';

/**
 * Checks of what a user gives for a new account, worded as Django's createsuperuser words them:
 * `check*` refuse a value given on the command line (exit 1); `prompt*` ask again.
 */

/** For --help: what Django's default AUTH_PASSWORD_VALIDATORS refuse. */
export const PASSWORD_RULES = [
  "Passwords must pass Django's default validators: not too similar to the username or email,",
  'at least 8 characters, not a common password, not entirely numeric.',
].join('\n');

/** Django's field messages, "; "-joined as createsuperuser prints them. */
export function checkUsername(username: string): void {
  const errors = usernameErrors(username);
  if (errors.length > 0) throw new CommandError(errors.join('; '));
}

export function checkEmail(email: string): void {
  const errors = emailErrors(email);
  if (errors.length > 0) throw new CommandError(errors.join('; '));
}

export function checkNotBlank(password: string): void {
  if (isBlankPassword(password)) throw new CommandError("Blank passwords aren't allowed.");
}

/** A password given without a prompt: blank is refused, then every validator's message, a line each. */
export function checkPassword(password: string, user: PasswordUser, skipValidation: boolean): void {
  checkNotBlank(password);
  const errors = skipValidation ? [] : validatePassword(password, user);
  if (errors.length > 0) throw new CommandError(...errors);
}

/** Django's validators' messages for a password typed at a prompt; none when they pass or are skipped. */
export type PasswordCheck = (password: string) => string[];

/** Password: and Password (again):, unechoed; the first complaint about the pair, if any. */
async function askTwice(cli: CliContext): Promise<{ password: string; problem?: string }> {
  const password = await cli.askHidden('Password: ');
  if (password !== (await cli.askHidden('Password (again): '))) return { password, problem: "Error: Your passwords didn't match." };
  if (isBlankPassword(password)) return { password, problem: "Error: Blank passwords aren't allowed." };
  return { password };
}

/**
 * createsuperuser's prompt: asks until the two answers match and are not blank, and either pass
 * the validators or the user answers y to bypassing them.
 */
export async function promptNewPassword(cli: CliContext, check: PasswordCheck): Promise<string> {
  for (;;) {
    const { password, problem } = await askTwice(cli);
    if (problem) {
      cli.err(problem);
      continue;
    }
    const errors = check(password);
    if (errors.length === 0) return password;
    for (const error of errors) cli.err(error);
    const answer = await cli.ask('Bypass password validation and create user anyway? [y/N]: ');
    if (answer.toLowerCase() === 'y') return password;
  }
}

const CHANGE_PASSWORD_TRIES = 3;

/** changepassword's prompt: the same checks, no bypass, and three attempts at most. */
export async function promptPasswordChange(cli: CliContext, username: string, check: PasswordCheck): Promise<string> {
  for (let attempt = 1; attempt <= CHANGE_PASSWORD_TRIES; attempt++) {
    const { password, problem } = await askTwice(cli);
    const errors = problem ? [problem] : check(password);
    if (errors.length === 0) return password;
    for (const error of errors) cli.err(error);
  }
  throw new CommandError(`Aborting password change for user '${username}' after ${CHANGE_PASSWORD_TRIES} attempts`);
}
