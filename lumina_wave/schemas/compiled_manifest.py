"""Generated from manifest.schema.json by fastjsonschema 2.21.2: python -m lumina_wave.schemas. Do not edit."""

# ruff: noqa
# fmt: off
# JSON and YAML readers give int and float, never Decimal (whose import costs 2 ms).
Decimal = float


class JsonSchemaValueException(ValueError):
    def __init__(self, message, **details):
        super().__init__(message)


NoneType = type(None)

def validate_https___lumina_wave_dev_schemas_manifest_schema_json(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'https://lumina-wave.dev/schemas/manifest.schema.json', 'title': 'lumina-wave manifest', 'description': 'A wave plan: the issues to work and what each depends on (default path .github/waves.yml).', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'issues'], 'properties': {'version': {'type': 'integer', 'const': 1, 'description': 'Manifest format version; only 1 exists.'}, 'defaults': {'type': 'object', 'additionalProperties': False, 'description': 'Settings for every issue of the wave.', 'properties': {'base': {'type': 'string', 'minLength': 1, 'description': "Branch the issue branches start from (default: the repository's default branch)."}, 'draft': {'type': 'boolean', 'description': 'Open the PRs as drafts.'}}}, 'issues': {'type': 'array', 'minItems': 1, 'items': {'type': 'object', 'additionalProperties': False, 'required': ['number'], 'properties': {'number': {'type': 'integer', 'minimum': 1, 'description': 'The issue number; unique in the manifest.'}, 'title': {'type': 'string', 'description': 'Shown in the summary; read from GitHub when absent and a token is given.'}, 'kind': {'type': 'string', 'description': 'A category (research, feature, …) shown in the summary.'}, 'body': {'type': 'string', 'description': 'The task text for the agent when the issue is not on GitHub (local runs).'}, 'wave': {'type': 'integer', 'minimum': 1, 'description': 'Run in this wave at the earliest. Waves no issue lands in are then dropped and the rest renumbered, so a pin orders this issue after the issues of earlier waves; it does not leave waves empty.'}, 'depends_on': {'type': 'array', 'uniqueItems': True, 'items': {'type': 'integer', 'minimum': 1}, 'description': 'Issues that must be done before this one.'}}}}}}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['version', 'issues']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'https://lumina-wave.dev/schemas/manifest.schema.json', 'title': 'lumina-wave manifest', 'description': 'A wave plan: the issues to work and what each depends on (default path .github/waves.yml).', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'issues'], 'properties': {'version': {'type': 'integer', 'const': 1, 'description': 'Manifest format version; only 1 exists.'}, 'defaults': {'type': 'object', 'additionalProperties': False, 'description': 'Settings for every issue of the wave.', 'properties': {'base': {'type': 'string', 'minLength': 1, 'description': "Branch the issue branches start from (default: the repository's default branch)."}, 'draft': {'type': 'boolean', 'description': 'Open the PRs as drafts.'}}}, 'issues': {'type': 'array', 'minItems': 1, 'items': {'type': 'object', 'additionalProperties': False, 'required': ['number'], 'properties': {'number': {'type': 'integer', 'minimum': 1, 'description': 'The issue number; unique in the manifest.'}, 'title': {'type': 'string', 'description': 'Shown in the summary; read from GitHub when absent and a token is given.'}, 'kind': {'type': 'string', 'description': 'A category (research, feature, …) shown in the summary.'}, 'body': {'type': 'string', 'description': 'The task text for the agent when the issue is not on GitHub (local runs).'}, 'wave': {'type': 'integer', 'minimum': 1, 'description': 'Run in this wave at the earliest. Waves no issue lands in are then dropped and the rest renumbered, so a pin orders this issue after the issues of earlier waves; it does not leave waves empty.'}, 'depends_on': {'type': 'array', 'uniqueItems': True, 'items': {'type': 'integer', 'minimum': 1}, 'description': 'Issues that must be done before this one.'}}}}}}, rule='required')
        data_keys = set(data.keys())
        if "version" in data_keys:
            data_keys.remove("version")
            data__version = data["version"]
            if not isinstance(data__version, (int)) or isinstance(data__version, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".version must be integer", value=data__version, name="" + (name_prefix or "data") + ".version", definition={'type': 'integer', 'const': 1, 'description': 'Manifest format version; only 1 exists.'}, rule='type')
            if data__version != 1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".version must be same as const definition: 1", value=data__version, name="" + (name_prefix or "data") + ".version", definition={'type': 'integer', 'const': 1, 'description': 'Manifest format version; only 1 exists.'}, rule='const')
        if "defaults" in data_keys:
            data_keys.remove("defaults")
            data__defaults = data["defaults"]
            if not isinstance(data__defaults, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".defaults must be object", value=data__defaults, name="" + (name_prefix or "data") + ".defaults", definition={'type': 'object', 'additionalProperties': False, 'description': 'Settings for every issue of the wave.', 'properties': {'base': {'type': 'string', 'minLength': 1, 'description': "Branch the issue branches start from (default: the repository's default branch)."}, 'draft': {'type': 'boolean', 'description': 'Open the PRs as drafts.'}}}, rule='type')
            data__defaults_is_dict = isinstance(data__defaults, dict)
            if data__defaults_is_dict:
                data__defaults_keys = set(data__defaults.keys())
                if "base" in data__defaults_keys:
                    data__defaults_keys.remove("base")
                    data__defaults__base = data__defaults["base"]
                    if not isinstance(data__defaults__base, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".defaults.base must be string", value=data__defaults__base, name="" + (name_prefix or "data") + ".defaults.base", definition={'type': 'string', 'minLength': 1, 'description': "Branch the issue branches start from (default: the repository's default branch)."}, rule='type')
                    if isinstance(data__defaults__base, str):
                        data__defaults__base_len = len(data__defaults__base)
                        if data__defaults__base_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".defaults.base must be longer than or equal to 1 characters", value=data__defaults__base, name="" + (name_prefix or "data") + ".defaults.base", definition={'type': 'string', 'minLength': 1, 'description': "Branch the issue branches start from (default: the repository's default branch)."}, rule='minLength')
                if "draft" in data__defaults_keys:
                    data__defaults_keys.remove("draft")
                    data__defaults__draft = data__defaults["draft"]
                    if not isinstance(data__defaults__draft, (bool)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".defaults.draft must be boolean", value=data__defaults__draft, name="" + (name_prefix or "data") + ".defaults.draft", definition={'type': 'boolean', 'description': 'Open the PRs as drafts.'}, rule='type')
                if data__defaults_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".defaults must not contain "+str(data__defaults_keys)+" properties", value=data__defaults, name="" + (name_prefix or "data") + ".defaults", definition={'type': 'object', 'additionalProperties': False, 'description': 'Settings for every issue of the wave.', 'properties': {'base': {'type': 'string', 'minLength': 1, 'description': "Branch the issue branches start from (default: the repository's default branch)."}, 'draft': {'type': 'boolean', 'description': 'Open the PRs as drafts.'}}}, rule='additionalProperties')
        if "issues" in data_keys:
            data_keys.remove("issues")
            data__issues = data["issues"]
            if not isinstance(data__issues, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues must be array", value=data__issues, name="" + (name_prefix or "data") + ".issues", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'object', 'additionalProperties': False, 'required': ['number'], 'properties': {'number': {'type': 'integer', 'minimum': 1, 'description': 'The issue number; unique in the manifest.'}, 'title': {'type': 'string', 'description': 'Shown in the summary; read from GitHub when absent and a token is given.'}, 'kind': {'type': 'string', 'description': 'A category (research, feature, …) shown in the summary.'}, 'body': {'type': 'string', 'description': 'The task text for the agent when the issue is not on GitHub (local runs).'}, 'wave': {'type': 'integer', 'minimum': 1, 'description': 'Run in this wave at the earliest. Waves no issue lands in are then dropped and the rest renumbered, so a pin orders this issue after the issues of earlier waves; it does not leave waves empty.'}, 'depends_on': {'type': 'array', 'uniqueItems': True, 'items': {'type': 'integer', 'minimum': 1}, 'description': 'Issues that must be done before this one.'}}}}, rule='type')
            data__issues_is_list = isinstance(data__issues, (list, tuple))
            if data__issues_is_list:
                data__issues_len = len(data__issues)
                if data__issues_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues must contain at least 1 items", value=data__issues, name="" + (name_prefix or "data") + ".issues", definition={'type': 'array', 'minItems': 1, 'items': {'type': 'object', 'additionalProperties': False, 'required': ['number'], 'properties': {'number': {'type': 'integer', 'minimum': 1, 'description': 'The issue number; unique in the manifest.'}, 'title': {'type': 'string', 'description': 'Shown in the summary; read from GitHub when absent and a token is given.'}, 'kind': {'type': 'string', 'description': 'A category (research, feature, …) shown in the summary.'}, 'body': {'type': 'string', 'description': 'The task text for the agent when the issue is not on GitHub (local runs).'}, 'wave': {'type': 'integer', 'minimum': 1, 'description': 'Run in this wave at the earliest. Waves no issue lands in are then dropped and the rest renumbered, so a pin orders this issue after the issues of earlier waves; it does not leave waves empty.'}, 'depends_on': {'type': 'array', 'uniqueItems': True, 'items': {'type': 'integer', 'minimum': 1}, 'description': 'Issues that must be done before this one.'}}}}, rule='minItems')
                for data__issues_x, data__issues_item in enumerate(data__issues):
                    if not isinstance(data__issues_item, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + " must be object", value=data__issues_item, name="" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['number'], 'properties': {'number': {'type': 'integer', 'minimum': 1, 'description': 'The issue number; unique in the manifest.'}, 'title': {'type': 'string', 'description': 'Shown in the summary; read from GitHub when absent and a token is given.'}, 'kind': {'type': 'string', 'description': 'A category (research, feature, …) shown in the summary.'}, 'body': {'type': 'string', 'description': 'The task text for the agent when the issue is not on GitHub (local runs).'}, 'wave': {'type': 'integer', 'minimum': 1, 'description': 'Run in this wave at the earliest. Waves no issue lands in are then dropped and the rest renumbered, so a pin orders this issue after the issues of earlier waves; it does not leave waves empty.'}, 'depends_on': {'type': 'array', 'uniqueItems': True, 'items': {'type': 'integer', 'minimum': 1}, 'description': 'Issues that must be done before this one.'}}}, rule='type')
                    data__issues_item_is_dict = isinstance(data__issues_item, dict)
                    if data__issues_item_is_dict:
                        data__issues_item__missing_keys = set(['number']) - data__issues_item.keys()
                        if data__issues_item__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + " must contain " + (str(sorted(data__issues_item__missing_keys)) + " properties"), value=data__issues_item, name="" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['number'], 'properties': {'number': {'type': 'integer', 'minimum': 1, 'description': 'The issue number; unique in the manifest.'}, 'title': {'type': 'string', 'description': 'Shown in the summary; read from GitHub when absent and a token is given.'}, 'kind': {'type': 'string', 'description': 'A category (research, feature, …) shown in the summary.'}, 'body': {'type': 'string', 'description': 'The task text for the agent when the issue is not on GitHub (local runs).'}, 'wave': {'type': 'integer', 'minimum': 1, 'description': 'Run in this wave at the earliest. Waves no issue lands in are then dropped and the rest renumbered, so a pin orders this issue after the issues of earlier waves; it does not leave waves empty.'}, 'depends_on': {'type': 'array', 'uniqueItems': True, 'items': {'type': 'integer', 'minimum': 1}, 'description': 'Issues that must be done before this one.'}}}, rule='required')
                        data__issues_item_keys = set(data__issues_item.keys())
                        if "number" in data__issues_item_keys:
                            data__issues_item_keys.remove("number")
                            data__issues_item__number = data__issues_item["number"]
                            if not isinstance(data__issues_item__number, (int)) or isinstance(data__issues_item__number, bool):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].number".format(**locals()) + " must be integer", value=data__issues_item__number, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].number".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1, 'description': 'The issue number; unique in the manifest.'}, rule='type')
                            if isinstance(data__issues_item__number, (int, float, Decimal)):
                                if data__issues_item__number < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].number".format(**locals()) + " must be bigger than or equal to 1", value=data__issues_item__number, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].number".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1, 'description': 'The issue number; unique in the manifest.'}, rule='minimum')
                        if "title" in data__issues_item_keys:
                            data__issues_item_keys.remove("title")
                            data__issues_item__title = data__issues_item["title"]
                            if not isinstance(data__issues_item__title, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].title".format(**locals()) + " must be string", value=data__issues_item__title, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].title".format(**locals()) + "", definition={'type': 'string', 'description': 'Shown in the summary; read from GitHub when absent and a token is given.'}, rule='type')
                        if "kind" in data__issues_item_keys:
                            data__issues_item_keys.remove("kind")
                            data__issues_item__kind = data__issues_item["kind"]
                            if not isinstance(data__issues_item__kind, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].kind".format(**locals()) + " must be string", value=data__issues_item__kind, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].kind".format(**locals()) + "", definition={'type': 'string', 'description': 'A category (research, feature, …) shown in the summary.'}, rule='type')
                        if "body" in data__issues_item_keys:
                            data__issues_item_keys.remove("body")
                            data__issues_item__body = data__issues_item["body"]
                            if not isinstance(data__issues_item__body, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].body".format(**locals()) + " must be string", value=data__issues_item__body, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].body".format(**locals()) + "", definition={'type': 'string', 'description': 'The task text for the agent when the issue is not on GitHub (local runs).'}, rule='type')
                        if "wave" in data__issues_item_keys:
                            data__issues_item_keys.remove("wave")
                            data__issues_item__wave = data__issues_item["wave"]
                            if not isinstance(data__issues_item__wave, (int)) or isinstance(data__issues_item__wave, bool):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].wave".format(**locals()) + " must be integer", value=data__issues_item__wave, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].wave".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1, 'description': 'Run in this wave at the earliest. Waves no issue lands in are then dropped and the rest renumbered, so a pin orders this issue after the issues of earlier waves; it does not leave waves empty.'}, rule='type')
                            if isinstance(data__issues_item__wave, (int, float, Decimal)):
                                if data__issues_item__wave < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].wave".format(**locals()) + " must be bigger than or equal to 1", value=data__issues_item__wave, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].wave".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1, 'description': 'Run in this wave at the earliest. Waves no issue lands in are then dropped and the rest renumbered, so a pin orders this issue after the issues of earlier waves; it does not leave waves empty.'}, rule='minimum')
                        if "depends_on" in data__issues_item_keys:
                            data__issues_item_keys.remove("depends_on")
                            data__issues_item__dependson = data__issues_item["depends_on"]
                            if not isinstance(data__issues_item__dependson, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].depends_on".format(**locals()) + " must be array", value=data__issues_item__dependson, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].depends_on".format(**locals()) + "", definition={'type': 'array', 'uniqueItems': True, 'items': {'type': 'integer', 'minimum': 1}, 'description': 'Issues that must be done before this one.'}, rule='type')
                            data__issues_item__dependson_is_list = isinstance(data__issues_item__dependson, (list, tuple))
                            if data__issues_item__dependson_is_list:
                                def fn(var): return frozenset(dict((k, fn(v)) for k, v in var.items()).items()) if hasattr(var, "items") else tuple(fn(v) for v in var) if isinstance(var, (dict, list)) else str(var) if isinstance(var, bool) else var
                                data__issues_item__dependson_len = len(data__issues_item__dependson)
                                if data__issues_item__dependson_len > len(set(fn(data__issues_item__dependson_x) for data__issues_item__dependson_x in data__issues_item__dependson)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].depends_on".format(**locals()) + " must contain unique items", value=data__issues_item__dependson, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].depends_on".format(**locals()) + "", definition={'type': 'array', 'uniqueItems': True, 'items': {'type': 'integer', 'minimum': 1}, 'description': 'Issues that must be done before this one.'}, rule='uniqueItems')
                                for data__issues_item__dependson_x, data__issues_item__dependson_item in enumerate(data__issues_item__dependson):
                                    if not isinstance(data__issues_item__dependson_item, (int)) or isinstance(data__issues_item__dependson_item, bool):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].depends_on[{data__issues_item__dependson_x}]".format(**locals()) + " must be integer", value=data__issues_item__dependson_item, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].depends_on[{data__issues_item__dependson_x}]".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1}, rule='type')
                                    if isinstance(data__issues_item__dependson_item, (int, float, Decimal)):
                                        if data__issues_item__dependson_item < 1:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].depends_on[{data__issues_item__dependson_x}]".format(**locals()) + " must be bigger than or equal to 1", value=data__issues_item__dependson_item, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].depends_on[{data__issues_item__dependson_x}]".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1}, rule='minimum')
                        if data__issues_item_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + " must not contain "+str(data__issues_item_keys)+" properties", value=data__issues_item, name="" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['number'], 'properties': {'number': {'type': 'integer', 'minimum': 1, 'description': 'The issue number; unique in the manifest.'}, 'title': {'type': 'string', 'description': 'Shown in the summary; read from GitHub when absent and a token is given.'}, 'kind': {'type': 'string', 'description': 'A category (research, feature, …) shown in the summary.'}, 'body': {'type': 'string', 'description': 'The task text for the agent when the issue is not on GitHub (local runs).'}, 'wave': {'type': 'integer', 'minimum': 1, 'description': 'Run in this wave at the earliest. Waves no issue lands in are then dropped and the rest renumbered, so a pin orders this issue after the issues of earlier waves; it does not leave waves empty.'}, 'depends_on': {'type': 'array', 'uniqueItems': True, 'items': {'type': 'integer', 'minimum': 1}, 'description': 'Issues that must be done before this one.'}}}, rule='additionalProperties')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'https://lumina-wave.dev/schemas/manifest.schema.json', 'title': 'lumina-wave manifest', 'description': 'A wave plan: the issues to work and what each depends on (default path .github/waves.yml).', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'issues'], 'properties': {'version': {'type': 'integer', 'const': 1, 'description': 'Manifest format version; only 1 exists.'}, 'defaults': {'type': 'object', 'additionalProperties': False, 'description': 'Settings for every issue of the wave.', 'properties': {'base': {'type': 'string', 'minLength': 1, 'description': "Branch the issue branches start from (default: the repository's default branch)."}, 'draft': {'type': 'boolean', 'description': 'Open the PRs as drafts.'}}}, 'issues': {'type': 'array', 'minItems': 1, 'items': {'type': 'object', 'additionalProperties': False, 'required': ['number'], 'properties': {'number': {'type': 'integer', 'minimum': 1, 'description': 'The issue number; unique in the manifest.'}, 'title': {'type': 'string', 'description': 'Shown in the summary; read from GitHub when absent and a token is given.'}, 'kind': {'type': 'string', 'description': 'A category (research, feature, …) shown in the summary.'}, 'body': {'type': 'string', 'description': 'The task text for the agent when the issue is not on GitHub (local runs).'}, 'wave': {'type': 'integer', 'minimum': 1, 'description': 'Run in this wave at the earliest. Waves no issue lands in are then dropped and the rest renumbered, so a pin orders this issue after the issues of earlier waves; it does not leave waves empty.'}, 'depends_on': {'type': 'array', 'uniqueItems': True, 'items': {'type': 'integer', 'minimum': 1}, 'description': 'Issues that must be done before this one.'}}}}}}, rule='additionalProperties')
    return data


def is_valid(data):
    try:
        validate_https___lumina_wave_dev_schemas_manifest_schema_json(data)
    except JsonSchemaValueException:
        return False
    return True
