export * from './types';
export { renderJson } from './render-json';
export { renderText, type TextOptions } from './render-text';
export { renderMarkdown } from './render-markdown';
export { headline } from './headline';
