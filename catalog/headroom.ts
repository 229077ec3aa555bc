// Headroom as placeholder pods (docs/headroom.md): where they run, at which priority, what image.
// Pure data, read by the component that installs them, the capacity model and the simulator.

/**
 * cluster-autoscaler's `--expendable-pods-priority-cutoff` default (-10, config/flags/flags.go at
 * cluster-autoscaler-1.34.5 and 1.35.2). core/utils/expendable.go `IsExpendablePod`: a pod is
 * expendable when its priority is *below* the cutoff; expendable pods trigger no scale-up.
 */
export const CA_EXPENDABLE_PODS_PRIORITY_CUTOFF = -10;

export const HEADROOM = {
    /** Its own namespace: the placeholders use no service's ResourceQuota. */
    namespace: "berrys-headroom",
    deployment: "headroom",
    priorityClass: {
        name: "berrys-headroom",
        /**
         * Below every real pod (pods naming no class get 0) and not below the cutoff, so a pending
         * placeholder still makes cluster-autoscaler add a node: the value the cluster-autoscaler
         * FAQ ("How can I configure overprovisioning", cluster-autoscaler-1.35.2) reserves for this.
         */
        value: CA_EXPENDABLE_PODS_PRIORITY_CUTOFF,
    },
    /** The pause container: it only holds the requests. kubernetes/kubernetes build/pause, release 3.10. */
    image: "registry.k8s.io/pause:3.10",
} as const;
