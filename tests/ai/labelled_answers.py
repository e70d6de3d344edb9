"""Hand-labelled answers: for each question, answers ordered from best to worst by a human reader."""

LABELLED: dict[str, list[tuple[str, str]]] = {
    "bh-conflict": [
        (
            "strong",
            "At my previous company I was the backend lead on a payments team of five. A senior colleague wanted "
            "to rewrite our reconciliation service in Go, while I believed the real problem was a handful of slow "
            "SQL queries. My task was to get us to a decision before the quarterly freeze, three weeks away. "
            "I asked him for a one-on-one so I could understand his concerns first; he was worried about memory "
            "use during month-end batches. I suggested we settle it with data, so I profiled the service over a "
            "week and we ran a benchmark together on a copy of production. The profile showed 80% of the time "
            "went to two queries without an index. We agreed on a compromise: I added the indexes and he built a "
            "small Go worker for the one memory-heavy step. As a result, month-end processing dropped from 6 hours "
            "to 40 minutes, and we shipped before the freeze. I learned that asking for evidence early turns a "
            "debate about opinions into a shared experiment, and we still work well together.",
        ),
        (
            "adequate",
            "In my last job a colleague and I disagreed about whether to rewrite a service or optimise it. I "
            "listened to his reasons and explained mine, and then I suggested we look at some data from our "
            "monitoring. We talked it through a few times in our team meetings and eventually agreed to optimise "
            "first and revisit the rewrite later.",
        ),
        (
            "weak",
            "Um, I don't really have conflicts, I'm like, basically easy to get along with. You know, I just kind "
            "of do what people say and it's fine.",
        ),
    ],
    "bh-failure": [
        (
            "strong",
            "Last year I was responsible for a database migration on our booking platform. My goal was to move "
            "12 million rows to a new schema with no downtime. I wrote the migration script and tested it on "
            "staging, but I missed that staging had far less data, so in production the script locked a table for "
            "9 minutes and about 2,000 customers saw errors. That was my mistake. I rolled back immediately, "
            "posted an update in the incident channel, and then rewrote the migration to copy in batches of 10,000 "
            "rows with a throttle. The second run finished with zero errors. Since then I always test migrations "
            "against a production-sized snapshot, and I added a checklist item for lock time to our review "
            "template, which the team adopted. The lesson for me was that a test environment is only as good as "
            "its data.",
        ),
        (
            "weak",
            "I guess I made some mistakes once with a deployment. It was bad but we fixed it. I learned to be more "
            "careful.",
        ),
    ],
    "be-slow-query": [
        (
            "strong",
            "First I would measure rather than guess: check the slow query log or pg_stat_statements to confirm "
            "which query regressed and how its p95 latency changed. Then I would run EXPLAIN ANALYZE to see the "
            "execution plan. On a large table the usual culprit is a sequential scan because there is no index "
            "on the filtered column, or the index exists but its selectivity is poor. For example, if we filter "
            "on customer_id and sort by created_at, a composite index on (customer_id, created_at) lets Postgres "
            "read the rows already ordered, which means no sort step. The trade-off is that every index slows "
            "down writes and uses disk, so on a write-heavy table I would add only what the plan proves we need. "
            "If the query is fine but is called hundreds of times per request, that is an N+1 problem and the fix "
            "is in the application code. If the data genuinely grew, I would consider pagination or caching the "
            "result in Redis with a short TTL. Finally I would verify the fix by comparing latency before and "
            "after in our dashboards.",
        ),
        (
            "adequate",
            "I would look at the query plan with EXPLAIN to see what the database is doing. Most of the time a slow "
            "query on a big table means it is doing a full table scan, so adding an index on the columns in the "
            "WHERE clause usually fixes it. I would then test it again to see that it is faster.",
        ),
        ("weak", "Maybe add more servers? Or I think you could restart the database, not sure."),
    ],
    "fe-useeffect": [
        (
            "strong",
            "useEffect runs after React has rendered and committed the component to the DOM, so it is the place "
            "for side effects like subscriptions, timers or fetching. The dependency array tells React when to "
            "re-run it: with no array it runs after every render, with an empty array only after the first "
            "mount, and otherwise whenever one of the listed values changes. Leaving a value out causes a stale "
            "closure, because the effect keeps seeing old props; for example a setInterval callback that always "
            "logs the first count. Adding an object that is recreated every render causes an infinite loop of "
            "re-renders, which is why I memoize it or depend on primitive values. For cleanup, the effect returns "
            "a function that React calls before the next run and on unmount, so I unsubscribe or clear the "
            "interval there, and for fetches I use an AbortController to cancel the stale request.",
        ),
        (
            "weak",
            "useEffect is like a hook that you use for effects. You put stuff in it and it runs. Basically it is "
            "like componentDidMount I think.",
        ),
    ],
    "ds-imbalanced": [
        (
            "strong",
            "With a 1% positive class, accuracy is misleading because a model that always predicts negative scores "
            "99%. I start from the confusion matrix and look at precision and recall for the minority class, and "
            "summarise with F1 or, better, the precision-recall curve and its AUC, since ROC AUC can look "
            "optimistic when negatives dominate. The right trade-off depends on the cost of errors: for fraud, a "
            "false negative is expensive, so I tune the decision threshold for recall at an acceptable precision. "
            "During training I use class weights or resampling such as SMOTE, but only inside the cross-validation "
            "folds to avoid leakage, and I use stratified splits so each fold keeps the class ratio. In my last "
            "project on churn this raised recall from 0.41 to 0.68 at the same precision.",
        ),
        ("weak", "I would check the accuracy and if it is high then the model is good. Maybe use more data."),
    ],
    "ops-k8s": [
        (
            "strong",
            "Kubernetes works by reconciliation: you declare a desired state and controllers keep comparing it with "
            "the actual state. A pod is the smallest unit, one or more containers sharing a network namespace, "
            "and pods are disposable. A Deployment manages a ReplicaSet that keeps, say, 3 replicas running; if a "
            "node dies the scheduler places new pods on healthy nodes. Liveness probes restart a container that "
            "hangs, and readiness probes keep traffic away from a pod that is not ready yet, which matters during "
            "rolling updates. A Service gives the pods a stable DNS name and load balances across the ready ones, "
            "because pod IPs change all the time. The trade-off is complexity: for a single small app this is a "
            "lot of machinery, but at scale it removes most manual failover work.",
        ),
        (
            "weak",
            "Kubernetes is for containers. Pods are like the containers and it keeps them running. Services are "
            "for networking I think.",
        ),
    ],
}
