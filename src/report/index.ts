export * from './types';
export { renderJson, renderJsonChunks } from './render-json';
export { renderText, type TextOptions } from './render-text';
export { renderMarkdown, type MarkdownOptions } from './render-markdown';
export type { ReportScope } from './scope';
export { renderHtml, escapeHtml } from './render-html';
export { headline } from './headline';
