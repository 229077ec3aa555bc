// Which labels a PrometheusRule needs for the stack's Prometheus to load it. kube-prometheus-stack
// renders `ruleSelector` in templates/prometheus/prometheus.yaml: the given selector if non-empty;
// else `matchLabels: {release: <release name>}` while `ruleSelectorNilUsesHelmValues` is true (the
// default); else `{}` (every rule). An empty map is "empty" to Helm, so `ruleSelector: {}` alone
// does not select everything.

/** A Kubernetes label selector, as Prometheus's `ruleSelector` takes it. */
export interface LabelSelector {
    readonly matchLabels?: Readonly<Record<string, string>>;
    readonly matchExpressions?: readonly {
        readonly key: string;
        readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
        readonly values?: readonly string[];
    }[];
}

/** The kube-prometheus-stack values that decide the rule selector (`prometheus.prometheusSpec`). */
export interface RuleSelectorValues {
    readonly ruleSelector?: LabelSelector;
    /** Chart default: true. */
    readonly ruleSelectorNilUsesHelmValues?: boolean;
}

function isEmpty(selector: LabelSelector | undefined): boolean {
    return (
        selector === undefined ||
        (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
    );
}

/** The `ruleSelector` the chart renders on the Prometheus object for these values and release name. */
export function kubePrometheusStackRuleSelector(values: RuleSelectorValues, releaseName: string): LabelSelector {
    if (!isEmpty(values.ruleSelector)) {
        return values.ruleSelector as LabelSelector;
    }
    return (values.ruleSelectorNilUsesHelmValues ?? true) ? { matchLabels: { release: releaseName } } : {};
}

/** Whether a label selector selects an object with these labels (Kubernetes semantics; `{}` selects all). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
    const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
    return (
        byLabels &&
        (selector.matchExpressions ?? []).every((expression) => {
            const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
            switch (expression.operator) {
                case "In":
                    return has && (expression.values ?? []).includes(labels[expression.key]);
                case "NotIn":
                    return !has || !(expression.values ?? []).includes(labels[expression.key]);
                case "Exists":
                    return has;
                case "DoesNotExist":
                    return !has;
            }
        })
    );
}

/**
 * The smallest set of labels a selector selects: matchLabels, the first value of each `In`, and
 * `"true"` for each `Exists`. For external mode, pass the Prometheus's own ruleSelector.
 */
export function labelsSelectedBy(selector: LabelSelector): Record<string, string> {
    const labels: Record<string, string> = { ...selector.matchLabels };
    for (const expression of selector.matchExpressions ?? []) {
        if (
            expression.operator === "In" &&
            expression.values &&
            expression.values.length > 0 &&
            labels[expression.key] === undefined
        ) {
            labels[expression.key] = expression.values[0];
        } else if (expression.operator === "Exists" && labels[expression.key] === undefined) {
            labels[expression.key] = "true";
        }
    }
    return labels;
}
