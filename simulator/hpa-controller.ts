/**
 * A pure TypeScript port of the Kubernetes HorizontalPodAutoscaler controller's replica computation,
 * Kubernetes v1.34 semantics (the EKS clusters run 1.34), one function per upstream function.
 *
 * Which upstream version each part follows:
 *   - The behavior functions (stabilization, scale events, rate limits, normalization) and defaulting: read at
 *     v1.28.0, and compared with post-1.33 snapshots of the same files
 *     and found unchanged (only min/max became Go built-ins), so they are v1.34's too.
 *       pkg/controller/podautoscaler/horizontal.go          (reconcileAutoscaler and the behavior functions)
 *       pkg/apis/autoscaling/v2/defaults.go                 (behavior defaulting)
 *       pkg/controller/podautoscaler/config/v1alpha1/defaults.go (controller flag defaults)
 *   - The replica calculator and its tolerance test: v1.33+ (KEP-4951), read through the code index at a post-1.33
 *     revision of pkg/controller/podautoscaler/replica_calculator.go (the one whose ReplicaCalculator no longer holds a
 *     tolerance): `Tolerances{scaleDown, scaleUp}` and `isWithin` at L47-L58,
 *     `return (1.0-t.scaleDown) <= usageRatio && usageRatio <= (1.0+t.scaleUp)` (L57); every former
 *     `math.Abs(1.0-usageRatio) <= c.tolerance` in GetResourceReplicas, calcPlainMetricReplicas,
 *     getUsageRatioReplicaCount and Get{Object,External}PerPodMetricReplicas now calls it. horizontal.go
 *     `tolerancesForHpa` gives both directions the `--horizontal-pod-autoscaler-tolerance` flag unless the
 *     `HPAConfigurableTolerance` gate is on, then `behavior.scale{Up,Down}.tolerance` overrides each;
 *     pkg/features/kube_features.go has the gate Alpha (default off) from 1.33 and Beta (on) only from 1.35, so on
 *     1.34 both tolerances are the flag's 0.1. The two tests differ exactly at a ratio of 1.1: in 1.28
 *     |1 - 1.1| = 0.10000000000000009 > 0.1 scaled up; in 1.34 1.1 <= 1 + 0.1 holds and the count stays.
 *   - metrics/utilization.go (GetResourceUtilizationRatio, GetMetricUsageRatio): unchanged since 1.28.
 *
 * Conventions of the port:
 *   - Times are seconds (any epoch). Go's `t.After(now - d)` becomes `t > now - d`, `t.Before(now - d)` becomes
 *     `t < now - d`; the strict comparisons are kept exactly, so an entry exactly on a cutoff behaves as upstream.
 *   - Metric values are milli-units (upstream `Quantity.MilliValue()`); CPU requests and usage are millicores.
 *   - Go int32/int64 integer division is `Math.trunc(a / b)`, `int32(float)` is `Math.trunc`, and float formulas keep
 *     upstream's operation order so IEEE double rounding matches Go's float64 (e.g. `start * (1 + v / 100)`).
 *   - Upstream mutates controller maps in place; every function here returns new arrays and never mutates inputs.
 *   - Upstream reads `time.Now()` several times per reconcile; here one `now` is passed down.
 *
 * Left out (not reached by the stacks' HPAs): post-1.33 master counts ready replicas for Object/External Value targets
 * from `scale.status.readyReplicas` instead of listing pods, and caps that count at MaxInt32; the `HPAScaleToZero`
 * handling of reconcileAutoscaler (alpha, off).
 */

// The port is split along upstream's files; each file keeps one function per upstream function:
//   simulator/hpa/types.ts               config/v1alpha1/defaults.go (flag defaults), autoscaling/v2 types
//   simulator/hpa/behavior.ts            apis/autoscaling/v2/defaults.go, horizontal.go (stabilization,
//                                        scale events, rate limits, normalization)
//   simulator/hpa/replica-calculator.ts  replica_calculator.go (pod grouping, tolerances, replica counts),
//                                        metrics/utilization.go
//   simulator/hpa/controller.ts          horizontal.go (computeReplicasForMetric(s), reconcileAutoscaler)
export * from "./hpa/types";
export * from "./hpa/behavior";
export * from "./hpa/replica-calculator";
export * from "./hpa/controller";
