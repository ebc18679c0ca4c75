declare module '*.hbs' {
  const spec: TemplateSpecification;
  export default spec;
}
declare module '*.wat' {
  /** The assembled module, base64. */
  const bytes: string;
  export default bytes;
}
declare const __PROXYGEN_VERSION__: string;
declare const __PROXYGEN_SNAPSHOT__: string;
