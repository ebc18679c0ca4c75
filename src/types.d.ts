declare module '*.hbs' {
  const spec: TemplateSpecification;
  export default spec;
}
declare const __PROXYGEN_VERSION__: string;
declare const __PROXYGEN_SNAPSHOT__: string;
