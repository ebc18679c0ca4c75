declare module '*.hbs' {
  const spec: TemplateSpecification;
  export default spec;
}
declare const __PROXYGEN_VERSION__: string;
declare module '*?raw' {
  const text: string;
  export default text;
}
