# The data collection rule's stream declaration against the alert schema:
# every member of a real kv-match alert is declared, with a type its JSON
# value fits; every declared column is an alert member of SPEC.md 2.4
# (listed here); the table has every column the transform gives it, and
# the analytic rule maps the seed rule's entities.
. "$TOP/tests/recipes/lib.sh"
S=$R/sentinel
spec="KeyVaultEvents_TimeGenerated Description ActivityGroupNames IndicatorId
ThreatType Url ExpirationDateTime ConfidenceScore TI_ipEntity ClientIP
ResourceId SubscriptionId OperationName ResultType CorrelationId id_s
clientInfo_s httpStatusCode_d identity_claim_appid_g
identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g
Type timestamp AlertName RuleId Severity Tactics Techniques Entities
SourceSystem"
printf '%s\n' $spec >spec
alerts 1 >alert.ndjson
jq -r '.resources[0].properties.streamDeclarations["Custom-KvMatchAlerts"].columns[] |
    "\(.name) \(.type)"' "$S/dcr.json" >declared || fail "dcr.json"
# Declared in SPEC order, and nothing else.
cut -d' ' -f1 declared >names
same spec names "the declared columns are not SPEC 2.4's members"
# Every member of a real alert is declared with a fitting type.
jq -r 'to_entries[] | "\(.key) \(.value | type)"' alert.ndjson >members
while read -r m jt; do
	t=$(awk -v m="$m" '$1 == m { print $2 }' declared)
	[ -n "$t" ] || fail "$m: in the alert, not declared"
	case $jt:$t in
	null:*|string:string|string:datetime|number:int|number:long|number:real|\
	array:dynamic|object:dynamic|boolean:boolean) ;;
	*) fail "$m: a JSON $jt declared as $t" ;;
	esac
	case $m:$t in *Time*:string|*timestamp:string|ExpirationDateTime:string)
		fail "$m: a time declared as string" ;;
	esac
done <members
# Times parse as datetimes, numbers fit their integer columns.
jq -e '.ConfidenceScore == (.ConfidenceScore | floor)' alert.ndjson >/dev/null ||
    fail "ConfidenceScore is not an integer"
# The transform: TimeGenerated from KeyVaultEvents_TimeGenerated, Type renamed.
k=$(jq -r '.resources[0].properties.dataFlows[0].transformKql' "$S/dcr.json")
case $k in *"TimeGenerated = todatetime(KeyVaultEvents_TimeGenerated)"*"project-rename TI_Type = Type"*) ;;
*) fail "transform: $k" ;;
esac
# The table: TimeGenerated, then the declared columns with Type renamed.
jq -r '.properties.schema.columns[] | "\(.name) \(.type)"' "$S/table.json" >table
{ echo "TimeGenerated datetime"; sed 's/^Type /TI_Type /' declared; } >want
same want table "the table does not hold what the transform writes"
# The analytic rule: the seed's entity mappings, one incident per row.
grep -A8 '^entityMappings:' "$S/analytic-rule.yaml" >maps
cat >wantmaps <<'EOM'
entityMappings:
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: ClientIP
  - entityType: AzureResource
    fieldMappings:
      - identifier: ResourceId
        columnName: ResourceId
EOM
same wantmaps maps "entity mappings differ from the seed rule's"
grep -q 'aggregationKind: AlertPerResult' "$S/analytic-rule.yaml" ||
    fail "not an alert per row"
grep -q '^  KvMatchAlerts_CL$' "$S/analytic-rule.yaml" || fail "query table"
