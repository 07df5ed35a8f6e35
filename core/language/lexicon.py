"""Word lists the language checks read: harm and fault verbs, roles, teams, technology names, first names."""

from __future__ import annotations

import functools
from importlib import resources


def _split(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Verbs whose person subject is blamed by the verb alone: the act is described as a fault or a harm.
FAULT_VERBS = frozenset({
    "break", "cause", "crash", "corrupt", "wipe", "nuke", "leak", "botch", "mishandle", "misconfigure", "misread",
    "mistype", "misjudge", "forget", "neglect", "ignore", "overlook", "miss", "skip", "overload", "flood", "tank",
    "bork", "blackhole", "screw", "mess", "trigger", "introduce", "overwrite", "truncate", "fat-finger", "sleep",
    "rubber-stamp", "blow", "knock", "lock", "starve", "hammer", "exhaust", "expose", "duplicate", "lose",
    "disrupt", "destroy", "damage", "degrade", "fail", "let", "take", "bring", "drop", "delete", "force", "rush",
    "lapse", "mistake", "withdraw", "cut", "strand", "stall", "cost", "stamp", "finger",
})
# Of those, the verbs that need a particle or an object of harm to blame: "took down", "dropped the table".
NEEDS_HARM = frozenset({"take", "bring", "knock", "blow", "let", "drop", "delete", "lock", "lose", "cut", "force",
                        "fail", "rush", "withdraw", "duplicate", "expose", "introduce", "trigger", "hammer", "miss"})
HARM_PARTICLES = frozenset({"down", "out", "offline", "over", "away", "up", "about"})
# Particles that turn a fault verb into an ordinary operation ("failed over", "brought up", "took over").
NEUTRAL_PARTICLES = {"fail": {"over", "back"}, "bring": {"up", "back", "in"}, "take": {"over", "on", "up"},
                     "let": {"in", "through"}, "lock": {"down"}, "cut": {"over"}}
# Verbs of diligence: a person who did *not* do them is blamed ("didn't test", "never checked").
DILIGENCE_VERBS = frozenset({
    "check", "test", "read", "verify", "notice", "look", "escalate", "follow", "run", "review", "tell", "notify",
    "wait", "bother", "update", "handle", "coordinate", "roll", "hand", "page", "ask", "validate", "confirm",
    "monitor", "drain", "warn", "backup", "snapshot", "document", "respond", "acknowledge", "answer", "adhere",
    "comply", "perform", "do", "use", "try", "consider", "think", "see", "catch", "remove", "include",
})
# Nouns and adjectives of harm: "took down checkout", "the outage", "production".
HARM_WORDS = frozenset({
    "outage", "incident", "downtime", "failure", "failures", "error", "errors", "loss", "breach", "leak", "damage",
    "mess", "problem", "disruption", "degradation", "corruption", "regression", "bug", "crash", "spike", "production",
    "prod", "live", "customer", "customers", "wrong", "only", "every", "all", "whole", "entire", "ball", "worse",
    "alert", "alerts", "warning", "warnings", "page", "pages", "race", "vulnerability", "offline",
})
JUDGEMENT_WORDS = frozenset({
    "careless", "carelessly", "carelessness", "negligent", "negligence", "negligently", "sloppy", "sloppily", "lazy",
    "incompetent", "incompetently", "incompetence", "inattentive", "stupid", "dumb", "reckless", "recklessly",
    "rookie", "hasty", "hastily", "rushed", "bad", "faulty", "untested", "unreviewed", "unauthorised",
    "unauthorized", "wrong", "accidentally", "mistakenly", "accidental", "unannounced", "botched", "shoddy",
})
FAULT_NOUNS = frozenset({"fault", "mistake", "mistakes", "error", "negligence", "carelessness", "oversight", "blame",
                         "sloppiness", "incompetence", "responsibility", "failure"})
# Irregular past forms of verbs the rules read, to their lemma: the lemmatizer guesses wrong on some ("overwrote").
IRREGULAR_PAST = {
    "broke": "break", "broken": "break", "took": "take", "taken": "take", "brought": "bring", "forgot": "forget",
    "forgotten": "forget", "lost": "lose", "blew": "blow", "blown": "blow", "ran": "run", "left": "leave",
    "withdrew": "withdraw", "withdrawn": "withdraw", "fell": "fall", "slept": "sleep", "overwrote": "overwrite",
    "overwritten": "overwrite", "mistook": "mistake", "mistaken": "mistake", "sent": "send", "made": "make",
    "went": "go", "gone": "go", "threw": "throw", "thrown": "throw", "drove": "drive", "wrote": "write",
    "written": "write", "froze": "freeze", "frozen": "freeze", "hung": "hang", "shut": "shut", "cut": "cut",
    "set": "set", "let": "let", "hit": "hit", "put": "put",
}
# Words that take part of a group: "one of the developers", "two of the backend folks".
PARTITIVES = frozenset({"one", "two", "three", "some", "several", "few", "many", "both", "either", "each"})
HUMAN_ERROR_HEADS = frozenset({"human", "operator", "engineer", "user", "pilot", "developer", "people", "person"})
HINDSIGHT_VERBS = frozenset({"see", "spot", "catch", "notice", "know", "check", "pause", "approve", "avoid",
                             "prevent", "stop", "test", "realise", "realize", "flag", "find", "predict", "anticipate"})

ROLES = frozenset({
    "engineer", "engineers", "operator", "operators", "developer", "developers", "dev", "devs", "dba", "sre", "sres",
    "admin", "admins", "administrator", "sysadmin", "intern", "interns", "contractor", "contractors", "reviewer",
    "reviewers", "approver", "manager", "lead", "deployer", "analyst", "scientist", "architect", "agent", "staff",
    "hire", "person", "people", "on-call", "oncall", "commander", "owner", "employee", "colleague", "teammate",
    "programmer", "tester", "someone", "somebody", "whoever", "anyone", "anybody", "everyone", "he", "she", "him",
    "her", "guy", "guys", "junior", "senior", "newbie", "coworker", "folks", "folk", "genius", "techs", "technician",
})
TEAMS = frozenset({"team", "teams", "squad", "ops", "qa", "devops", "marketing", "department", "crew",
                   "org", "organisation", "organization", "sales", "management", "vendor"})
INDEFINITE = frozenset({"someone", "somebody", "whoever", "anyone", "anybody"})
NOT_PEOPLE = frozenset({"nobody", "no one", "we", "us", "i", "they", "it", "you", "everyone", "none"})

# Technology and product names that parse like proper nouns; a post-mortem's own services and sources are added.
TECHNOLOGY = _split("""
kubernetes k8s postgres postgresql redis kafka terraform envoy nginx cloudflare vault jenkins argocd argo elasticsearch
opensearch istio etcd celery airflow cassandra mongodb mongo rabbitmq varnish haproxy coredns lambda s3 ec2 rds fastly
grafana prometheus ansible puppet chef salt github gitlab bitbucket circleci helm sentry datadog pagerduty spark mysql
mariadb docker stripe consul cdn zookeeper bazel gradle maven snowflake okta auth0 bigquery traefik linkerd jvm node
nodejs go golang spinnaker harbor jaeger flux logstash kibana heroku vercel netlify hermes atlas apollo django flask
rails ruby python java jupyter aurora athena hadoop hdfs artemis mercury sidekiq oracle mssql sqlite dynamodb sqs sns
kinesis cloudfront route53 gcp aws azure gke eks aks openshift nomad calico cilium keda knative memcached nats pulsar
clickhouse druid presto trino hive flink beam dataflow pubsub firebase supabase twilio sendgrid mailgun slack jira
confluence opsgenie victorops splunk newrelic honeycomb loki tempo thanos cortex mimir alertmanager fluentd fluentbit
vector otel opentelemetry cert-manager letsencrypt nexus artifactory sonarqube dependabot renovate webpack vite babel
react angular vue nextjs ios android safari chrome firefox edge windows linux ubuntu debian centos rhel macos systemd
cron crond kubelet containerd cri-o runc calico weave ingress gunicorn uwsgi puma unicorn tomcat jetty wildfly iis
apache httpd caddy lighttpd pgbouncer patroni citus vitess cockroachdb tidb yugabyte neo4j couchdb couchbase riak
solr lucene faiss milvus pinecone weaviate openai anthropic bedrock sagemaker vertex mlflow kubeflow ray dask
""")

# Census first names that are also ordinary English words: never taken alone as a person in lower case.
_COMMON_WORDS = _split("""
will may june april august art bill chase page grant mark rich sky hope faith joy summer autumn dawn crystal amber
ruby jade pearl rose lily ivy daisy iris olive violet heather holly ginger sandy rusty buck bud carol chance chip clay
cliff cole dale dean drew earl ed ford frank gene guy hunter jack jean jay jewel king lane lee les long lou major
mason miles mo neil norm pat penny ray reed rob rod rock sage stone sterling sue ted van walker ward west young
an in so do go my no on or to be by at it is as of up us am the and can don case price bell may star star sun
sunny storm river forest glen hill dell dale bay brook field fields golden green brown white black gray grey
baker cook carter miller fisher taylor porter parker hunter archer mason tanner wells banks rivers waters
early late lucky honey candy cookie precious princess queen duke prince baron count lord noble royal
will major general private sergeant captain colonel marshal judge bishop pope dean rector
august june may april january february march october december winter spring
easter christmas noel ebony ivory scarlet sable tawny
""")


@functools.cache
def first_names() -> frozenset[str]:
    """Return the lower-case first names of the US census lists shipped by the ``names`` package."""
    found: set[str] = set()
    for sheet in ("dist.male.first", "dist.female.first"):
        text = (resources.files("names") / sheet).read_text(encoding="utf-8")
        found.update(line.split()[0].lower() for line in text.splitlines() if line.strip())
    return frozenset(found)


def is_first_name(word: str, *, lower_case_text: bool) -> bool:
    """Return True when ``word`` is a known first name; in lower-case text, only names that are not also words."""
    lowered = word.lower()
    if lowered in TECHNOLOGY or lowered not in first_names():
        return False
    return not (lower_case_text and lowered in _COMMON_WORDS)
