"""Generated from result.schema.json by fastjsonschema 2.21.2: python -m lumina_wave.schemas. Do not edit."""

# ruff: noqa
# fmt: off
# JSON and YAML readers give int and float, never Decimal (whose import costs 2 ms).
Decimal = float
import re


class JsonSchemaValueException(ValueError):
    def __init__(self, message, **details):
        super().__init__(message)


REGEX_PATTERNS = {
    '^[0-9a-f]{40}$': re.compile('^[0-9a-f]{40}\\Z'),
    '^refs/lumina-wave/backup/issue-[0-9]+/[0-9TZ.]+$': re.compile('^refs/lumina-wave/backup/issue-[0-9]+/[0-9TZ.]+\\Z')
}

NoneType = type(None)

def validate_https___lumina_wave_dev_schemas_result_schema_json(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'https://lumina-wave.dev/schemas/result.schema.json', 'title': 'lumina-wave leg result', 'description': 'What one leg (one issue) ended with: result-N.json, written by finish (or prepare when blocked), read by later legs and by summarize.', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'plan_id', 'issue', 'status', 'branch', 'base', 'commit', 'pr_number', 'pr_url', 'started_at', 'finished_at', 'agent_outcome', 'error', 'blocked_by'], 'properties': {'version': {'type': 'integer', 'const': 1}, 'plan_id': {'type': 'string'}, 'issue': {'type': 'integer', 'minimum': 1}, 'status': {'enum': ['success', 'no-changes', 'failed', 'blocked', 'cancelled', 'refused', 'skipped'], 'description': 'refused: the publisher did not push its change (error says why); skipped: left alone (its PR was merged or closed, or existing-branch: skip), error says why; done'}, 'branch': {'type': 'string'}, 'base': {'type': ['string', 'null']}, 'commit': {'type': ['string', 'null'], 'pattern': '^[0-9a-f]{40}$'}, 'start': {'type': ['string', 'null'], 'pattern': '^[0-9a-f]{40}$', 'description': "The commit the leg's branch started from (prepare's), in the draft record a leg hands its publisher."}, 'pr_number': {'type': ['integer', 'null'], 'minimum': 1}, 'pr_url': {'type': ['string', 'null']}, 'started_at': {'type': ['string', 'null'], 'format': 'date-time'}, 'finished_at': {'type': ['string', 'null'], 'format': 'date-time'}, 'agent_outcome': {'enum': ['success', 'failure', 'cancelled', 'skipped', None]}, 'error': {'type': ['string', 'null']}, 'blocked_by': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'wave': {'type': ['integer', 'null'], 'minimum': 1}, 'job_url': {'type': ['string', 'null']}, 'usage': {'type': ['object', 'null'], 'additionalProperties': False, 'description': 'what the agent reported in $WAVE_USAGE_FILE (usage.schema.json), every field present; null when it reported none', 'properties': {'model': {'type': ['string', 'null'], 'maxLength': 200}, 'input_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'output_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cached_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cost_usd': {'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, 'turns': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}}}, 'attempts': {'type': ['integer', 'null'], 'minimum': 1, 'description': 'how many times the agent ran (retries included); null: once, or not recorded'}, 'warnings': {'type': 'array', 'items': {'type': 'string'}, 'description': "what failed after the PR existed (its update, labels) or what the leg did besides (a restart's backup): shown beside the PR, never instead of it"}, 'backup_ref': {'type': ['string', 'null'], 'pattern': '^refs/lumina-wave/backup/issue-[0-9]+/[0-9TZ.]+$', 'description': "existing-branch: restart: the ref on the remote that keeps the branch's old tip"}}}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['version', 'plan_id', 'issue', 'status', 'branch', 'base', 'commit', 'pr_number', 'pr_url', 'started_at', 'finished_at', 'agent_outcome', 'error', 'blocked_by']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'https://lumina-wave.dev/schemas/result.schema.json', 'title': 'lumina-wave leg result', 'description': 'What one leg (one issue) ended with: result-N.json, written by finish (or prepare when blocked), read by later legs and by summarize.', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'plan_id', 'issue', 'status', 'branch', 'base', 'commit', 'pr_number', 'pr_url', 'started_at', 'finished_at', 'agent_outcome', 'error', 'blocked_by'], 'properties': {'version': {'type': 'integer', 'const': 1}, 'plan_id': {'type': 'string'}, 'issue': {'type': 'integer', 'minimum': 1}, 'status': {'enum': ['success', 'no-changes', 'failed', 'blocked', 'cancelled', 'refused', 'skipped'], 'description': 'refused: the publisher did not push its change (error says why); skipped: left alone (its PR was merged or closed, or existing-branch: skip), error says why; done'}, 'branch': {'type': 'string'}, 'base': {'type': ['string', 'null']}, 'commit': {'type': ['string', 'null'], 'pattern': '^[0-9a-f]{40}$'}, 'start': {'type': ['string', 'null'], 'pattern': '^[0-9a-f]{40}$', 'description': "The commit the leg's branch started from (prepare's), in the draft record a leg hands its publisher."}, 'pr_number': {'type': ['integer', 'null'], 'minimum': 1}, 'pr_url': {'type': ['string', 'null']}, 'started_at': {'type': ['string', 'null'], 'format': 'date-time'}, 'finished_at': {'type': ['string', 'null'], 'format': 'date-time'}, 'agent_outcome': {'enum': ['success', 'failure', 'cancelled', 'skipped', None]}, 'error': {'type': ['string', 'null']}, 'blocked_by': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'wave': {'type': ['integer', 'null'], 'minimum': 1}, 'job_url': {'type': ['string', 'null']}, 'usage': {'type': ['object', 'null'], 'additionalProperties': False, 'description': 'what the agent reported in $WAVE_USAGE_FILE (usage.schema.json), every field present; null when it reported none', 'properties': {'model': {'type': ['string', 'null'], 'maxLength': 200}, 'input_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'output_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cached_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cost_usd': {'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, 'turns': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}}}, 'attempts': {'type': ['integer', 'null'], 'minimum': 1, 'description': 'how many times the agent ran (retries included); null: once, or not recorded'}, 'warnings': {'type': 'array', 'items': {'type': 'string'}, 'description': "what failed after the PR existed (its update, labels) or what the leg did besides (a restart's backup): shown beside the PR, never instead of it"}, 'backup_ref': {'type': ['string', 'null'], 'pattern': '^refs/lumina-wave/backup/issue-[0-9]+/[0-9TZ.]+$', 'description': "existing-branch: restart: the ref on the remote that keeps the branch's old tip"}}}, rule='required')
        data_keys = set(data.keys())
        if "version" in data_keys:
            data_keys.remove("version")
            data__version = data["version"]
            if not isinstance(data__version, (int)) or isinstance(data__version, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".version must be integer", value=data__version, name="" + (name_prefix or "data") + ".version", definition={'type': 'integer', 'const': 1}, rule='type')
            if data__version != 1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".version must be same as const definition: 1", value=data__version, name="" + (name_prefix or "data") + ".version", definition={'type': 'integer', 'const': 1}, rule='const')
        if "plan_id" in data_keys:
            data_keys.remove("plan_id")
            data__planid = data["plan_id"]
            if not isinstance(data__planid, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".plan_id must be string", value=data__planid, name="" + (name_prefix or "data") + ".plan_id", definition={'type': 'string'}, rule='type')
        if "issue" in data_keys:
            data_keys.remove("issue")
            data__issue = data["issue"]
            if not isinstance(data__issue, (int)) or isinstance(data__issue, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issue must be integer", value=data__issue, name="" + (name_prefix or "data") + ".issue", definition={'type': 'integer', 'minimum': 1}, rule='type')
            if isinstance(data__issue, (int, float, Decimal)):
                if data__issue < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".issue must be bigger than or equal to 1", value=data__issue, name="" + (name_prefix or "data") + ".issue", definition={'type': 'integer', 'minimum': 1}, rule='minimum')
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            if data__status not in ['success', 'no-changes', 'failed', 'blocked', 'cancelled', 'refused', 'skipped']:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be one of ['success', 'no-changes', 'failed', 'blocked', 'cancelled', 'refused', 'skipped']", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'enum': ['success', 'no-changes', 'failed', 'blocked', 'cancelled', 'refused', 'skipped'], 'description': 'refused: the publisher did not push its change (error says why); skipped: left alone (its PR was merged or closed, or existing-branch: skip), error says why; done'}, rule='enum')
        if "branch" in data_keys:
            data_keys.remove("branch")
            data__branch = data["branch"]
            if not isinstance(data__branch, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".branch must be string", value=data__branch, name="" + (name_prefix or "data") + ".branch", definition={'type': 'string'}, rule='type')
        if "base" in data_keys:
            data_keys.remove("base")
            data__base = data["base"]
            if not isinstance(data__base, (str, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".base must be string or null", value=data__base, name="" + (name_prefix or "data") + ".base", definition={'type': ['string', 'null']}, rule='type')
        if "commit" in data_keys:
            data_keys.remove("commit")
            data__commit = data["commit"]
            if not isinstance(data__commit, (str, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".commit must be string or null", value=data__commit, name="" + (name_prefix or "data") + ".commit", definition={'type': ['string', 'null'], 'pattern': '^[0-9a-f]{40}$'}, rule='type')
            if isinstance(data__commit, str):
                if not REGEX_PATTERNS['^[0-9a-f]{40}$'].search(data__commit):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".commit must match pattern ^[0-9a-f]{40}$", value=data__commit, name="" + (name_prefix or "data") + ".commit", definition={'type': ['string', 'null'], 'pattern': '^[0-9a-f]{40}$'}, rule='pattern')
        if "start" in data_keys:
            data_keys.remove("start")
            data__start = data["start"]
            if not isinstance(data__start, (str, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".start must be string or null", value=data__start, name="" + (name_prefix or "data") + ".start", definition={'type': ['string', 'null'], 'pattern': '^[0-9a-f]{40}$', 'description': "The commit the leg's branch started from (prepare's), in the draft record a leg hands its publisher."}, rule='type')
            if isinstance(data__start, str):
                if not REGEX_PATTERNS['^[0-9a-f]{40}$'].search(data__start):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".start must match pattern ^[0-9a-f]{40}$", value=data__start, name="" + (name_prefix or "data") + ".start", definition={'type': ['string', 'null'], 'pattern': '^[0-9a-f]{40}$', 'description': "The commit the leg's branch started from (prepare's), in the draft record a leg hands its publisher."}, rule='pattern')
        if "pr_number" in data_keys:
            data_keys.remove("pr_number")
            data__prnumber = data["pr_number"]
            if not isinstance(data__prnumber, (int, NoneType)) or isinstance(data__prnumber, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".pr_number must be integer or null", value=data__prnumber, name="" + (name_prefix or "data") + ".pr_number", definition={'type': ['integer', 'null'], 'minimum': 1}, rule='type')
            if isinstance(data__prnumber, (int, float, Decimal)):
                if data__prnumber < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".pr_number must be bigger than or equal to 1", value=data__prnumber, name="" + (name_prefix or "data") + ".pr_number", definition={'type': ['integer', 'null'], 'minimum': 1}, rule='minimum')
        if "pr_url" in data_keys:
            data_keys.remove("pr_url")
            data__prurl = data["pr_url"]
            if not isinstance(data__prurl, (str, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".pr_url must be string or null", value=data__prurl, name="" + (name_prefix or "data") + ".pr_url", definition={'type': ['string', 'null']}, rule='type')
        if "started_at" in data_keys:
            data_keys.remove("started_at")
            data__startedat = data["started_at"]
            if not isinstance(data__startedat, (str, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".started_at must be string or null", value=data__startedat, name="" + (name_prefix or "data") + ".started_at", definition={'type': ['string', 'null'], 'format': 'date-time'}, rule='type')
        if "finished_at" in data_keys:
            data_keys.remove("finished_at")
            data__finishedat = data["finished_at"]
            if not isinstance(data__finishedat, (str, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".finished_at must be string or null", value=data__finishedat, name="" + (name_prefix or "data") + ".finished_at", definition={'type': ['string', 'null'], 'format': 'date-time'}, rule='type')
        if "agent_outcome" in data_keys:
            data_keys.remove("agent_outcome")
            data__agentoutcome = data["agent_outcome"]
            if data__agentoutcome not in ['success', 'failure', 'cancelled', 'skipped', None]:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".agent_outcome must be one of ['success', 'failure', 'cancelled', 'skipped', None]", value=data__agentoutcome, name="" + (name_prefix or "data") + ".agent_outcome", definition={'enum': ['success', 'failure', 'cancelled', 'skipped', None]}, rule='enum')
        if "error" in data_keys:
            data_keys.remove("error")
            data__error = data["error"]
            if not isinstance(data__error, (str, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".error must be string or null", value=data__error, name="" + (name_prefix or "data") + ".error", definition={'type': ['string', 'null']}, rule='type')
        if "blocked_by" in data_keys:
            data_keys.remove("blocked_by")
            data__blockedby = data["blocked_by"]
            if not isinstance(data__blockedby, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".blocked_by must be array", value=data__blockedby, name="" + (name_prefix or "data") + ".blocked_by", definition={'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, rule='type')
            data__blockedby_is_list = isinstance(data__blockedby, (list, tuple))
            if data__blockedby_is_list:
                data__blockedby_len = len(data__blockedby)
                for data__blockedby_x, data__blockedby_item in enumerate(data__blockedby):
                    if not isinstance(data__blockedby_item, (int)) or isinstance(data__blockedby_item, bool):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".blocked_by[{data__blockedby_x}]".format(**locals()) + " must be integer", value=data__blockedby_item, name="" + (name_prefix or "data") + ".blocked_by[{data__blockedby_x}]".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1}, rule='type')
                    if isinstance(data__blockedby_item, (int, float, Decimal)):
                        if data__blockedby_item < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".blocked_by[{data__blockedby_x}]".format(**locals()) + " must be bigger than or equal to 1", value=data__blockedby_item, name="" + (name_prefix or "data") + ".blocked_by[{data__blockedby_x}]".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1}, rule='minimum')
        if "wave" in data_keys:
            data_keys.remove("wave")
            data__wave = data["wave"]
            if not isinstance(data__wave, (int, NoneType)) or isinstance(data__wave, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".wave must be integer or null", value=data__wave, name="" + (name_prefix or "data") + ".wave", definition={'type': ['integer', 'null'], 'minimum': 1}, rule='type')
            if isinstance(data__wave, (int, float, Decimal)):
                if data__wave < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".wave must be bigger than or equal to 1", value=data__wave, name="" + (name_prefix or "data") + ".wave", definition={'type': ['integer', 'null'], 'minimum': 1}, rule='minimum')
        if "job_url" in data_keys:
            data_keys.remove("job_url")
            data__joburl = data["job_url"]
            if not isinstance(data__joburl, (str, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".job_url must be string or null", value=data__joburl, name="" + (name_prefix or "data") + ".job_url", definition={'type': ['string', 'null']}, rule='type')
        if "usage" in data_keys:
            data_keys.remove("usage")
            data__usage = data["usage"]
            if not isinstance(data__usage, (dict, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage must be object or null", value=data__usage, name="" + (name_prefix or "data") + ".usage", definition={'type': ['object', 'null'], 'additionalProperties': False, 'description': 'what the agent reported in $WAVE_USAGE_FILE (usage.schema.json), every field present; null when it reported none', 'properties': {'model': {'type': ['string', 'null'], 'maxLength': 200}, 'input_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'output_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cached_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cost_usd': {'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, 'turns': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}}}, rule='type')
            data__usage_is_dict = isinstance(data__usage, dict)
            if data__usage_is_dict:
                data__usage_keys = set(data__usage.keys())
                if "model" in data__usage_keys:
                    data__usage_keys.remove("model")
                    data__usage__model = data__usage["model"]
                    if not isinstance(data__usage__model, (str, NoneType)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.model must be string or null", value=data__usage__model, name="" + (name_prefix or "data") + ".usage.model", definition={'type': ['string', 'null'], 'maxLength': 200}, rule='type')
                    if isinstance(data__usage__model, str):
                        data__usage__model_len = len(data__usage__model)
                        if data__usage__model_len > 200:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.model must be shorter than or equal to 200 characters", value=data__usage__model, name="" + (name_prefix or "data") + ".usage.model", definition={'type': ['string', 'null'], 'maxLength': 200}, rule='maxLength')
                if "input_tokens" in data__usage_keys:
                    data__usage_keys.remove("input_tokens")
                    data__usage__inputtokens = data__usage["input_tokens"]
                    if not isinstance(data__usage__inputtokens, (int, NoneType)) or isinstance(data__usage__inputtokens, bool):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.input_tokens must be integer or null", value=data__usage__inputtokens, name="" + (name_prefix or "data") + ".usage.input_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='type')
                    if isinstance(data__usage__inputtokens, (int, float, Decimal)):
                        if data__usage__inputtokens < 0:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.input_tokens must be bigger than or equal to 0", value=data__usage__inputtokens, name="" + (name_prefix or "data") + ".usage.input_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='minimum')
                        if data__usage__inputtokens > 1000000000000000:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.input_tokens must be smaller than or equal to 1000000000000000", value=data__usage__inputtokens, name="" + (name_prefix or "data") + ".usage.input_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='maximum')
                if "output_tokens" in data__usage_keys:
                    data__usage_keys.remove("output_tokens")
                    data__usage__outputtokens = data__usage["output_tokens"]
                    if not isinstance(data__usage__outputtokens, (int, NoneType)) or isinstance(data__usage__outputtokens, bool):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.output_tokens must be integer or null", value=data__usage__outputtokens, name="" + (name_prefix or "data") + ".usage.output_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='type')
                    if isinstance(data__usage__outputtokens, (int, float, Decimal)):
                        if data__usage__outputtokens < 0:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.output_tokens must be bigger than or equal to 0", value=data__usage__outputtokens, name="" + (name_prefix or "data") + ".usage.output_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='minimum')
                        if data__usage__outputtokens > 1000000000000000:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.output_tokens must be smaller than or equal to 1000000000000000", value=data__usage__outputtokens, name="" + (name_prefix or "data") + ".usage.output_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='maximum')
                if "cached_tokens" in data__usage_keys:
                    data__usage_keys.remove("cached_tokens")
                    data__usage__cachedtokens = data__usage["cached_tokens"]
                    if not isinstance(data__usage__cachedtokens, (int, NoneType)) or isinstance(data__usage__cachedtokens, bool):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.cached_tokens must be integer or null", value=data__usage__cachedtokens, name="" + (name_prefix or "data") + ".usage.cached_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='type')
                    if isinstance(data__usage__cachedtokens, (int, float, Decimal)):
                        if data__usage__cachedtokens < 0:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.cached_tokens must be bigger than or equal to 0", value=data__usage__cachedtokens, name="" + (name_prefix or "data") + ".usage.cached_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='minimum')
                        if data__usage__cachedtokens > 1000000000000000:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.cached_tokens must be smaller than or equal to 1000000000000000", value=data__usage__cachedtokens, name="" + (name_prefix or "data") + ".usage.cached_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='maximum')
                if "cost_usd" in data__usage_keys:
                    data__usage_keys.remove("cost_usd")
                    data__usage__costusd = data__usage["cost_usd"]
                    if not isinstance(data__usage__costusd, (int, float, Decimal, NoneType)) or isinstance(data__usage__costusd, bool):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.cost_usd must be number or null", value=data__usage__costusd, name="" + (name_prefix or "data") + ".usage.cost_usd", definition={'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='type')
                    if isinstance(data__usage__costusd, (int, float, Decimal)):
                        if data__usage__costusd < 0:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.cost_usd must be bigger than or equal to 0", value=data__usage__costusd, name="" + (name_prefix or "data") + ".usage.cost_usd", definition={'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='minimum')
                        if data__usage__costusd > 1000000000:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.cost_usd must be smaller than or equal to 1000000000", value=data__usage__costusd, name="" + (name_prefix or "data") + ".usage.cost_usd", definition={'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='maximum')
                if "turns" in data__usage_keys:
                    data__usage_keys.remove("turns")
                    data__usage__turns = data__usage["turns"]
                    if not isinstance(data__usage__turns, (int, NoneType)) or isinstance(data__usage__turns, bool):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.turns must be integer or null", value=data__usage__turns, name="" + (name_prefix or "data") + ".usage.turns", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='type')
                    if isinstance(data__usage__turns, (int, float, Decimal)):
                        if data__usage__turns < 0:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.turns must be bigger than or equal to 0", value=data__usage__turns, name="" + (name_prefix or "data") + ".usage.turns", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='minimum')
                        if data__usage__turns > 1000000000:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage.turns must be smaller than or equal to 1000000000", value=data__usage__turns, name="" + (name_prefix or "data") + ".usage.turns", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='maximum')
                if data__usage_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".usage must not contain "+str(data__usage_keys)+" properties", value=data__usage, name="" + (name_prefix or "data") + ".usage", definition={'type': ['object', 'null'], 'additionalProperties': False, 'description': 'what the agent reported in $WAVE_USAGE_FILE (usage.schema.json), every field present; null when it reported none', 'properties': {'model': {'type': ['string', 'null'], 'maxLength': 200}, 'input_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'output_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cached_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cost_usd': {'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, 'turns': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}}}, rule='additionalProperties')
        if "attempts" in data_keys:
            data_keys.remove("attempts")
            data__attempts = data["attempts"]
            if not isinstance(data__attempts, (int, NoneType)) or isinstance(data__attempts, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".attempts must be integer or null", value=data__attempts, name="" + (name_prefix or "data") + ".attempts", definition={'type': ['integer', 'null'], 'minimum': 1, 'description': 'how many times the agent ran (retries included); null: once, or not recorded'}, rule='type')
            if isinstance(data__attempts, (int, float, Decimal)):
                if data__attempts < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".attempts must be bigger than or equal to 1", value=data__attempts, name="" + (name_prefix or "data") + ".attempts", definition={'type': ['integer', 'null'], 'minimum': 1, 'description': 'how many times the agent ran (retries included); null: once, or not recorded'}, rule='minimum')
        if "warnings" in data_keys:
            data_keys.remove("warnings")
            data__warnings = data["warnings"]
            if not isinstance(data__warnings, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".warnings must be array", value=data__warnings, name="" + (name_prefix or "data") + ".warnings", definition={'type': 'array', 'items': {'type': 'string'}, 'description': "what failed after the PR existed (its update, labels) or what the leg did besides (a restart's backup): shown beside the PR, never instead of it"}, rule='type')
            data__warnings_is_list = isinstance(data__warnings, (list, tuple))
            if data__warnings_is_list:
                data__warnings_len = len(data__warnings)
                for data__warnings_x, data__warnings_item in enumerate(data__warnings):
                    if not isinstance(data__warnings_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".warnings[{data__warnings_x}]".format(**locals()) + " must be string", value=data__warnings_item, name="" + (name_prefix or "data") + ".warnings[{data__warnings_x}]".format(**locals()) + "", definition={'type': 'string'}, rule='type')
        if "backup_ref" in data_keys:
            data_keys.remove("backup_ref")
            data__backupref = data["backup_ref"]
            if not isinstance(data__backupref, (str, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".backup_ref must be string or null", value=data__backupref, name="" + (name_prefix or "data") + ".backup_ref", definition={'type': ['string', 'null'], 'pattern': '^refs/lumina-wave/backup/issue-[0-9]+/[0-9TZ.]+$', 'description': "existing-branch: restart: the ref on the remote that keeps the branch's old tip"}, rule='type')
            if isinstance(data__backupref, str):
                if not REGEX_PATTERNS['^refs/lumina-wave/backup/issue-[0-9]+/[0-9TZ.]+$'].search(data__backupref):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".backup_ref must match pattern ^refs/lumina-wave/backup/issue-[0-9]+/[0-9TZ.]+$", value=data__backupref, name="" + (name_prefix or "data") + ".backup_ref", definition={'type': ['string', 'null'], 'pattern': '^refs/lumina-wave/backup/issue-[0-9]+/[0-9TZ.]+$', 'description': "existing-branch: restart: the ref on the remote that keeps the branch's old tip"}, rule='pattern')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'https://lumina-wave.dev/schemas/result.schema.json', 'title': 'lumina-wave leg result', 'description': 'What one leg (one issue) ended with: result-N.json, written by finish (or prepare when blocked), read by later legs and by summarize.', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'plan_id', 'issue', 'status', 'branch', 'base', 'commit', 'pr_number', 'pr_url', 'started_at', 'finished_at', 'agent_outcome', 'error', 'blocked_by'], 'properties': {'version': {'type': 'integer', 'const': 1}, 'plan_id': {'type': 'string'}, 'issue': {'type': 'integer', 'minimum': 1}, 'status': {'enum': ['success', 'no-changes', 'failed', 'blocked', 'cancelled', 'refused', 'skipped'], 'description': 'refused: the publisher did not push its change (error says why); skipped: left alone (its PR was merged or closed, or existing-branch: skip), error says why; done'}, 'branch': {'type': 'string'}, 'base': {'type': ['string', 'null']}, 'commit': {'type': ['string', 'null'], 'pattern': '^[0-9a-f]{40}$'}, 'start': {'type': ['string', 'null'], 'pattern': '^[0-9a-f]{40}$', 'description': "The commit the leg's branch started from (prepare's), in the draft record a leg hands its publisher."}, 'pr_number': {'type': ['integer', 'null'], 'minimum': 1}, 'pr_url': {'type': ['string', 'null']}, 'started_at': {'type': ['string', 'null'], 'format': 'date-time'}, 'finished_at': {'type': ['string', 'null'], 'format': 'date-time'}, 'agent_outcome': {'enum': ['success', 'failure', 'cancelled', 'skipped', None]}, 'error': {'type': ['string', 'null']}, 'blocked_by': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'wave': {'type': ['integer', 'null'], 'minimum': 1}, 'job_url': {'type': ['string', 'null']}, 'usage': {'type': ['object', 'null'], 'additionalProperties': False, 'description': 'what the agent reported in $WAVE_USAGE_FILE (usage.schema.json), every field present; null when it reported none', 'properties': {'model': {'type': ['string', 'null'], 'maxLength': 200}, 'input_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'output_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cached_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cost_usd': {'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, 'turns': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}}}, 'attempts': {'type': ['integer', 'null'], 'minimum': 1, 'description': 'how many times the agent ran (retries included); null: once, or not recorded'}, 'warnings': {'type': 'array', 'items': {'type': 'string'}, 'description': "what failed after the PR existed (its update, labels) or what the leg did besides (a restart's backup): shown beside the PR, never instead of it"}, 'backup_ref': {'type': ['string', 'null'], 'pattern': '^refs/lumina-wave/backup/issue-[0-9]+/[0-9TZ.]+$', 'description': "existing-branch: restart: the ref on the remote that keeps the branch's old tip"}}}, rule='additionalProperties')
    return data


def is_valid(data):
    try:
        validate_https___lumina_wave_dev_schemas_result_schema_json(data)
    except JsonSchemaValueException:
        return False
    return True
