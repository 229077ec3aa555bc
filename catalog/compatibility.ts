// What is coupled to the cluster's Kubernetes minor, one row per minor: pure data, read by the
// components that install it and by the checks that refuse a minor without a complete row.

/**
 * The newest cluster-autoscaler patch for each Kubernetes minor (git tags `cluster-autoscaler-<ver>`
 * of kubernetes/autoscaler at 55c37cd, read 2026-08-22). CA follows Kubernetes minors
 * exactly and is only tested against its own minor, so the chart's default tag (v1.35.0 in 9.59.0)
 * is never used. A new minor means a new row here (README "Upgrading Kubernetes").
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
    "1.28": "v1.28.7",
    "1.29": "v1.29.5",
    "1.30": "v1.30.7",
    "1.31": "v1.31.5",
    "1.32": "v1.32.7",
    "1.33": "v1.33.6",
    "1.34": "v1.34.5",
    "1.35": "v1.35.2",
    "1.36": "v1.36.1",
};
