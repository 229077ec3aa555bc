/**
 * The HPA controller port's constants and types: the kube-controller-manager flag defaults
 * (pkg/controller/podautoscaler/config/v1alpha1/defaults.go) and the autoscaling/v2 behavior types.
 * Which upstream version each part follows: docs/design/simulator.md "The HPA controller".
 */

// ---------------------------------------------------------------------------------------------------------------
// Constants (controller flag defaults, config/v1alpha1/defaults.go RecommendedDefaultHPAControllerConfiguration)
// ---------------------------------------------------------------------------------------------------------------

/** `--horizontal-pod-autoscaler-tolerance` default. */
export const HPA_TOLERANCE = 0.1;
/** `--horizontal-pod-autoscaler-sync-period` default: each HPA is reconciled about once per this many seconds. */
export const HPA_SYNC_PERIOD_SECONDS = 15;
/** `--horizontal-pod-autoscaler-downscale-stabilization` default (legacy window, and the nil scaleDown window). */
export const HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS = 300;
/** `--horizontal-pod-autoscaler-cpu-initialization-period` default. */
export const HPA_CPU_INITIALIZATION_PERIOD_SECONDS = 300;
/** `--horizontal-pod-autoscaler-initial-readiness-delay` default. */
export const HPA_INITIAL_READINESS_DELAY_SECONDS = 30;
/** horizontal.go `scaleUpLimitFactor` (legacy path, behavior == nil). Upstream's tests override it to 8. */
export const SCALE_UP_LIMIT_FACTOR = 2.0;
/** horizontal.go `scaleUpLimitMinimum` (legacy path, behavior == nil). */
export const SCALE_UP_LIMIT_MINIMUM = 4.0;

export const MAX_INT32 = 2147483647;
export const MIN_INT32 = -2147483648;

// ---------------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------------

export interface HPAScalingPolicy {
    type: "Pods" | "Percent";
    value: number;
    periodSeconds: number;
}
export interface HPAScalingRules {
    stabilizationWindowSeconds?: number;
    /** 1.33+ `tolerance` (a Quantity upstream): read only with the `HPAConfigurableTolerance` gate on. */
    tolerance?: number;
    selectPolicy?: "Max" | "Min" | "Disabled";
    policies?: HPAScalingPolicy[];
}
/** autoscaling/v2 `HorizontalPodAutoscalerBehavior`. */
export interface HPABehavior {
    scaleUp?: HPAScalingRules;
    scaleDown?: HPAScalingRules;
}
export interface TimestampedRecommendation {
    recommendation: number;
    timestamp: number;
}
/** `replicaChange` is an absolute value (upstream: "absolute value, non-negative"). */
export interface TimestampedScaleEvent {
    replicaChange: number;
    timestamp: number;
    outdated?: boolean;
}

/** The controller flags the computation depends on (all in seconds). */
export interface HpaControllerConfig {
    /** `--horizontal-pod-autoscaler-tolerance`: both directions' tolerance unless the gate below is on. */
    readonly tolerance: number;
    /** The `HPAConfigurableTolerance` feature gate: off by default in 1.34 (Alpha since 1.33, Beta only in 1.35). */
    readonly configurableTolerance?: boolean;
    readonly downscaleStabilizationWindowSeconds: number;
    readonly cpuInitializationPeriodSeconds: number;
    readonly delayOfInitialReadinessStatusSeconds: number;
    /** Legacy-path scale-up cap factor (`scaleUpLimitFactor`). */
    readonly scaleUpLimitFactor: number;
}

/** Production defaults of the kube-controller-manager flags. */
export const DEFAULT_HPA_CONTROLLER_CONFIG: HpaControllerConfig = {
    tolerance: HPA_TOLERANCE,
    downscaleStabilizationWindowSeconds: HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS,
    cpuInitializationPeriodSeconds: HPA_CPU_INITIALIZATION_PERIOD_SECONDS,
    delayOfInitialReadinessStatusSeconds: HPA_INITIAL_READINESS_DELAY_SECONDS,
    scaleUpLimitFactor: SCALE_UP_LIMIT_FACTOR,
};

/**
 * The error path of the replica calculator (upstream returns `error`; callers here catch this one
 * class). Thrown at every sync of a service whose pods are not ready yet and always caught, so it
 * captures no stack trace, which would cost more than the sync.
 */
export class MetricComputationError extends Error {
    constructor(message: string) {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        super(message);
        Error.stackTraceLimit = limit;
        this.name = "MetricComputationError";
    }
}
