// Every command of `node dist/cli.js`, one line each (--help lists them alphabetically, as Django's help does).
export { default as changepassword } from './commands/changepassword.command.js';
export { default as createsuperuser } from './commands/createsuperuser.command.js';
export { default as createuser } from './commands/createuser.command.js';
export { default as flushexpiredtokens } from './commands/flushexpiredtokens.command.js';
export { default as generatekey } from './commands/generatekey.command.js';
export { default as importdjangousers } from './commands/importdjangousers.command.js';
export { default as listsessions } from './commands/listsessions.command.js';
export { default as migrate } from './commands/migrate.command.js';
export { default as revokesessions } from './commands/revokesessions.command.js';
