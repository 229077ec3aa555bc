/**
 * A pure TypeScript port of the Kubernetes v1.34 HorizontalPodAutoscaler controller's replica
 * computation, one function per upstream function, split along upstream's files (types, behavior,
 * replica-calculator, controller). Which upstream version each part follows and the port's
 * conventions: docs/design/simulator.md "The HPA controller".
 */
export * from "./types";
export * from "./behavior";
export * from "./replica-calculator";
export * from "./controller";
