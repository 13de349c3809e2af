// Fastify's own media-type parser (CommonJS, no typings of its own): the body parser asks it
// which Content-Type headers Fastify would refuse, so they reach our parser instead.
declare module 'fastify/lib/content-type.js' {
  export default class ContentType {
    static from(headerValue: string): ContentType;
    readonly isValid: boolean;
  }
}
