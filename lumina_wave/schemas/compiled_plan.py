"""Generated from plan.schema.json by fastjsonschema 2.21.2: python -m lumina_wave.schemas. Do not edit."""

# ruff: noqa
# fmt: off
# JSON and YAML readers give int and float, never Decimal (whose import costs 2 ms).
Decimal = float
import re


class JsonSchemaValueException(ValueError):
    def __init__(self, message, **details):
        super().__init__(message)


REGEX_PATTERNS = {
    '^[0-9a-f]{12}$': re.compile('^[0-9a-f]{12}\\Z')
}

NoneType = type(None)

def validate_https___lumina_wave_dev_schemas_plan_schema_json(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'https://lumina-wave.dev/schemas/plan.schema.json', 'title': 'lumina-wave plan', 'description': 'A planned wave (plan.json): the issues, their dependencies, their waves, and the matrix per wave.', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'plan_id', 'source', 'base', 'draft', 'max_jobs_per_wave', 'wave_count', 'critical_path', 'external_done', 'issues', 'waves'], 'properties': {'version': {'type': 'integer', 'const': 1}, 'plan_id': {'type': 'string', 'pattern': '^[0-9a-f]{12}$'}, 'source': {'type': 'string'}, 'base': {'type': ['string', 'null']}, 'draft': {'type': 'boolean'}, 'max_jobs_per_wave': {'type': 'integer', 'minimum': 1, 'maximum': 256}, 'wave_count': {'type': 'integer', 'minimum': 0}, 'critical_path': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'external_done': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'issues': {'type': 'array', 'items': {'type': 'object', 'additionalProperties': False, 'required': ['issue', 'title', 'kind', 'body', 'url', 'wave', 'min_wave', 'depends_on', 'branch'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'title': {'type': 'string'}, 'kind': {'type': 'string'}, 'body': {'type': 'string'}, 'url': {'type': 'string'}, 'wave': {'type': 'integer', 'minimum': 1}, 'min_wave': {'type': 'integer', 'minimum': 1}, 'depends_on': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'branch': {'type': 'string'}}}}, 'waves': {'type': 'array', 'items': {'type': 'array', 'items': {'type': 'object', 'additionalProperties': False, 'description': 'a matrix entry: only what the workflow reads (matrix.issue, matrix.wave)', 'required': ['issue', 'wave'], 'properties': {'issue': {'$ref': 'https://lumina-wave.dev/schemas/plan.schema.json#/$defs/number'}, 'wave': {'type': 'integer', 'minimum': 1}}}}}, 'works': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}, 'description': 'a retry run (input retry): the issues it works again; the others keep their records. Absent: every issue'}}, '$defs': {'number': {'type': 'integer', 'minimum': 1}, 'entry': {'type': 'object', 'additionalProperties': False, 'description': 'a matrix entry: only what the workflow reads (matrix.issue, matrix.wave)', 'required': ['issue', 'wave'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'wave': {'type': 'integer', 'minimum': 1}}}}}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['version', 'plan_id', 'source', 'base', 'draft', 'max_jobs_per_wave', 'wave_count', 'critical_path', 'external_done', 'issues', 'waves']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'https://lumina-wave.dev/schemas/plan.schema.json', 'title': 'lumina-wave plan', 'description': 'A planned wave (plan.json): the issues, their dependencies, their waves, and the matrix per wave.', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'plan_id', 'source', 'base', 'draft', 'max_jobs_per_wave', 'wave_count', 'critical_path', 'external_done', 'issues', 'waves'], 'properties': {'version': {'type': 'integer', 'const': 1}, 'plan_id': {'type': 'string', 'pattern': '^[0-9a-f]{12}$'}, 'source': {'type': 'string'}, 'base': {'type': ['string', 'null']}, 'draft': {'type': 'boolean'}, 'max_jobs_per_wave': {'type': 'integer', 'minimum': 1, 'maximum': 256}, 'wave_count': {'type': 'integer', 'minimum': 0}, 'critical_path': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'external_done': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'issues': {'type': 'array', 'items': {'type': 'object', 'additionalProperties': False, 'required': ['issue', 'title', 'kind', 'body', 'url', 'wave', 'min_wave', 'depends_on', 'branch'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'title': {'type': 'string'}, 'kind': {'type': 'string'}, 'body': {'type': 'string'}, 'url': {'type': 'string'}, 'wave': {'type': 'integer', 'minimum': 1}, 'min_wave': {'type': 'integer', 'minimum': 1}, 'depends_on': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'branch': {'type': 'string'}}}}, 'waves': {'type': 'array', 'items': {'type': 'array', 'items': {'type': 'object', 'additionalProperties': False, 'description': 'a matrix entry: only what the workflow reads (matrix.issue, matrix.wave)', 'required': ['issue', 'wave'], 'properties': {'issue': {'$ref': 'https://lumina-wave.dev/schemas/plan.schema.json#/$defs/number'}, 'wave': {'type': 'integer', 'minimum': 1}}}}}, 'works': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}, 'description': 'a retry run (input retry): the issues it works again; the others keep their records. Absent: every issue'}}, '$defs': {'number': {'type': 'integer', 'minimum': 1}, 'entry': {'type': 'object', 'additionalProperties': False, 'description': 'a matrix entry: only what the workflow reads (matrix.issue, matrix.wave)', 'required': ['issue', 'wave'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'wave': {'type': 'integer', 'minimum': 1}}}}}, rule='required')
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
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".plan_id must be string", value=data__planid, name="" + (name_prefix or "data") + ".plan_id", definition={'type': 'string', 'pattern': '^[0-9a-f]{12}$'}, rule='type')
            if isinstance(data__planid, str):
                if not REGEX_PATTERNS['^[0-9a-f]{12}$'].search(data__planid):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".plan_id must match pattern ^[0-9a-f]{12}$", value=data__planid, name="" + (name_prefix or "data") + ".plan_id", definition={'type': 'string', 'pattern': '^[0-9a-f]{12}$'}, rule='pattern')
        if "source" in data_keys:
            data_keys.remove("source")
            data__source = data["source"]
            if not isinstance(data__source, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".source must be string", value=data__source, name="" + (name_prefix or "data") + ".source", definition={'type': 'string'}, rule='type')
        if "base" in data_keys:
            data_keys.remove("base")
            data__base = data["base"]
            if not isinstance(data__base, (str, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".base must be string or null", value=data__base, name="" + (name_prefix or "data") + ".base", definition={'type': ['string', 'null']}, rule='type')
        if "draft" in data_keys:
            data_keys.remove("draft")
            data__draft = data["draft"]
            if not isinstance(data__draft, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".draft must be boolean", value=data__draft, name="" + (name_prefix or "data") + ".draft", definition={'type': 'boolean'}, rule='type')
        if "max_jobs_per_wave" in data_keys:
            data_keys.remove("max_jobs_per_wave")
            data__maxjobsperwave = data["max_jobs_per_wave"]
            if not isinstance(data__maxjobsperwave, (int)) or isinstance(data__maxjobsperwave, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".max_jobs_per_wave must be integer", value=data__maxjobsperwave, name="" + (name_prefix or "data") + ".max_jobs_per_wave", definition={'type': 'integer', 'minimum': 1, 'maximum': 256}, rule='type')
            if isinstance(data__maxjobsperwave, (int, float, Decimal)):
                if data__maxjobsperwave < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".max_jobs_per_wave must be bigger than or equal to 1", value=data__maxjobsperwave, name="" + (name_prefix or "data") + ".max_jobs_per_wave", definition={'type': 'integer', 'minimum': 1, 'maximum': 256}, rule='minimum')
                if data__maxjobsperwave > 256:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".max_jobs_per_wave must be smaller than or equal to 256", value=data__maxjobsperwave, name="" + (name_prefix or "data") + ".max_jobs_per_wave", definition={'type': 'integer', 'minimum': 1, 'maximum': 256}, rule='maximum')
        if "wave_count" in data_keys:
            data_keys.remove("wave_count")
            data__wavecount = data["wave_count"]
            if not isinstance(data__wavecount, (int)) or isinstance(data__wavecount, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".wave_count must be integer", value=data__wavecount, name="" + (name_prefix or "data") + ".wave_count", definition={'type': 'integer', 'minimum': 0}, rule='type')
            if isinstance(data__wavecount, (int, float, Decimal)):
                if data__wavecount < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".wave_count must be bigger than or equal to 0", value=data__wavecount, name="" + (name_prefix or "data") + ".wave_count", definition={'type': 'integer', 'minimum': 0}, rule='minimum')
        if "critical_path" in data_keys:
            data_keys.remove("critical_path")
            data__criticalpath = data["critical_path"]
            if not isinstance(data__criticalpath, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".critical_path must be array", value=data__criticalpath, name="" + (name_prefix or "data") + ".critical_path", definition={'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, rule='type')
            data__criticalpath_is_list = isinstance(data__criticalpath, (list, tuple))
            if data__criticalpath_is_list:
                data__criticalpath_len = len(data__criticalpath)
                for data__criticalpath_x, data__criticalpath_item in enumerate(data__criticalpath):
                    validate_https___lumina_wave_dev_schemas_plan_schema_json___defs_number(data__criticalpath_item, custom_formats, (name_prefix or "data") + ".critical_path[{data__criticalpath_x}]".format(**locals()))
        if "external_done" in data_keys:
            data_keys.remove("external_done")
            data__externaldone = data["external_done"]
            if not isinstance(data__externaldone, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".external_done must be array", value=data__externaldone, name="" + (name_prefix or "data") + ".external_done", definition={'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, rule='type')
            data__externaldone_is_list = isinstance(data__externaldone, (list, tuple))
            if data__externaldone_is_list:
                data__externaldone_len = len(data__externaldone)
                for data__externaldone_x, data__externaldone_item in enumerate(data__externaldone):
                    validate_https___lumina_wave_dev_schemas_plan_schema_json___defs_number(data__externaldone_item, custom_formats, (name_prefix or "data") + ".external_done[{data__externaldone_x}]".format(**locals()))
        if "issues" in data_keys:
            data_keys.remove("issues")
            data__issues = data["issues"]
            if not isinstance(data__issues, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues must be array", value=data__issues, name="" + (name_prefix or "data") + ".issues", definition={'type': 'array', 'items': {'type': 'object', 'additionalProperties': False, 'required': ['issue', 'title', 'kind', 'body', 'url', 'wave', 'min_wave', 'depends_on', 'branch'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'title': {'type': 'string'}, 'kind': {'type': 'string'}, 'body': {'type': 'string'}, 'url': {'type': 'string'}, 'wave': {'type': 'integer', 'minimum': 1}, 'min_wave': {'type': 'integer', 'minimum': 1}, 'depends_on': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'branch': {'type': 'string'}}}}, rule='type')
            data__issues_is_list = isinstance(data__issues, (list, tuple))
            if data__issues_is_list:
                data__issues_len = len(data__issues)
                for data__issues_x, data__issues_item in enumerate(data__issues):
                    if not isinstance(data__issues_item, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + " must be object", value=data__issues_item, name="" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['issue', 'title', 'kind', 'body', 'url', 'wave', 'min_wave', 'depends_on', 'branch'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'title': {'type': 'string'}, 'kind': {'type': 'string'}, 'body': {'type': 'string'}, 'url': {'type': 'string'}, 'wave': {'type': 'integer', 'minimum': 1}, 'min_wave': {'type': 'integer', 'minimum': 1}, 'depends_on': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'branch': {'type': 'string'}}}, rule='type')
                    data__issues_item_is_dict = isinstance(data__issues_item, dict)
                    if data__issues_item_is_dict:
                        data__issues_item__missing_keys = set(['issue', 'title', 'kind', 'body', 'url', 'wave', 'min_wave', 'depends_on', 'branch']) - data__issues_item.keys()
                        if data__issues_item__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + " must contain " + (str(sorted(data__issues_item__missing_keys)) + " properties"), value=data__issues_item, name="" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['issue', 'title', 'kind', 'body', 'url', 'wave', 'min_wave', 'depends_on', 'branch'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'title': {'type': 'string'}, 'kind': {'type': 'string'}, 'body': {'type': 'string'}, 'url': {'type': 'string'}, 'wave': {'type': 'integer', 'minimum': 1}, 'min_wave': {'type': 'integer', 'minimum': 1}, 'depends_on': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'branch': {'type': 'string'}}}, rule='required')
                        data__issues_item_keys = set(data__issues_item.keys())
                        if "issue" in data__issues_item_keys:
                            data__issues_item_keys.remove("issue")
                            data__issues_item__issue = data__issues_item["issue"]
                            validate_https___lumina_wave_dev_schemas_plan_schema_json___defs_number(data__issues_item__issue, custom_formats, (name_prefix or "data") + ".issues[{data__issues_x}].issue".format(**locals()))
                        if "title" in data__issues_item_keys:
                            data__issues_item_keys.remove("title")
                            data__issues_item__title = data__issues_item["title"]
                            if not isinstance(data__issues_item__title, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].title".format(**locals()) + " must be string", value=data__issues_item__title, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].title".format(**locals()) + "", definition={'type': 'string'}, rule='type')
                        if "kind" in data__issues_item_keys:
                            data__issues_item_keys.remove("kind")
                            data__issues_item__kind = data__issues_item["kind"]
                            if not isinstance(data__issues_item__kind, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].kind".format(**locals()) + " must be string", value=data__issues_item__kind, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].kind".format(**locals()) + "", definition={'type': 'string'}, rule='type')
                        if "body" in data__issues_item_keys:
                            data__issues_item_keys.remove("body")
                            data__issues_item__body = data__issues_item["body"]
                            if not isinstance(data__issues_item__body, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].body".format(**locals()) + " must be string", value=data__issues_item__body, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].body".format(**locals()) + "", definition={'type': 'string'}, rule='type')
                        if "url" in data__issues_item_keys:
                            data__issues_item_keys.remove("url")
                            data__issues_item__url = data__issues_item["url"]
                            if not isinstance(data__issues_item__url, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].url".format(**locals()) + " must be string", value=data__issues_item__url, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].url".format(**locals()) + "", definition={'type': 'string'}, rule='type')
                        if "wave" in data__issues_item_keys:
                            data__issues_item_keys.remove("wave")
                            data__issues_item__wave = data__issues_item["wave"]
                            if not isinstance(data__issues_item__wave, (int)) or isinstance(data__issues_item__wave, bool):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].wave".format(**locals()) + " must be integer", value=data__issues_item__wave, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].wave".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1}, rule='type')
                            if isinstance(data__issues_item__wave, (int, float, Decimal)):
                                if data__issues_item__wave < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].wave".format(**locals()) + " must be bigger than or equal to 1", value=data__issues_item__wave, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].wave".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1}, rule='minimum')
                        if "min_wave" in data__issues_item_keys:
                            data__issues_item_keys.remove("min_wave")
                            data__issues_item__minwave = data__issues_item["min_wave"]
                            if not isinstance(data__issues_item__minwave, (int)) or isinstance(data__issues_item__minwave, bool):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].min_wave".format(**locals()) + " must be integer", value=data__issues_item__minwave, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].min_wave".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1}, rule='type')
                            if isinstance(data__issues_item__minwave, (int, float, Decimal)):
                                if data__issues_item__minwave < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].min_wave".format(**locals()) + " must be bigger than or equal to 1", value=data__issues_item__minwave, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].min_wave".format(**locals()) + "", definition={'type': 'integer', 'minimum': 1}, rule='minimum')
                        if "depends_on" in data__issues_item_keys:
                            data__issues_item_keys.remove("depends_on")
                            data__issues_item__dependson = data__issues_item["depends_on"]
                            if not isinstance(data__issues_item__dependson, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].depends_on".format(**locals()) + " must be array", value=data__issues_item__dependson, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].depends_on".format(**locals()) + "", definition={'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, rule='type')
                            data__issues_item__dependson_is_list = isinstance(data__issues_item__dependson, (list, tuple))
                            if data__issues_item__dependson_is_list:
                                data__issues_item__dependson_len = len(data__issues_item__dependson)
                                for data__issues_item__dependson_x, data__issues_item__dependson_item in enumerate(data__issues_item__dependson):
                                    validate_https___lumina_wave_dev_schemas_plan_schema_json___defs_number(data__issues_item__dependson_item, custom_formats, (name_prefix or "data") + ".issues[{data__issues_x}].depends_on[{data__issues_item__dependson_x}]".format(**locals()))
                        if "branch" in data__issues_item_keys:
                            data__issues_item_keys.remove("branch")
                            data__issues_item__branch = data__issues_item["branch"]
                            if not isinstance(data__issues_item__branch, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}].branch".format(**locals()) + " must be string", value=data__issues_item__branch, name="" + (name_prefix or "data") + ".issues[{data__issues_x}].branch".format(**locals()) + "", definition={'type': 'string'}, rule='type')
                        if data__issues_item_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + " must not contain "+str(data__issues_item_keys)+" properties", value=data__issues_item, name="" + (name_prefix or "data") + ".issues[{data__issues_x}]".format(**locals()) + "", definition={'type': 'object', 'additionalProperties': False, 'required': ['issue', 'title', 'kind', 'body', 'url', 'wave', 'min_wave', 'depends_on', 'branch'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'title': {'type': 'string'}, 'kind': {'type': 'string'}, 'body': {'type': 'string'}, 'url': {'type': 'string'}, 'wave': {'type': 'integer', 'minimum': 1}, 'min_wave': {'type': 'integer', 'minimum': 1}, 'depends_on': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'branch': {'type': 'string'}}}, rule='additionalProperties')
        if "waves" in data_keys:
            data_keys.remove("waves")
            data__waves = data["waves"]
            if not isinstance(data__waves, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".waves must be array", value=data__waves, name="" + (name_prefix or "data") + ".waves", definition={'type': 'array', 'items': {'type': 'array', 'items': {'type': 'object', 'additionalProperties': False, 'description': 'a matrix entry: only what the workflow reads (matrix.issue, matrix.wave)', 'required': ['issue', 'wave'], 'properties': {'issue': {'$ref': 'https://lumina-wave.dev/schemas/plan.schema.json#/$defs/number'}, 'wave': {'type': 'integer', 'minimum': 1}}}}}, rule='type')
            data__waves_is_list = isinstance(data__waves, (list, tuple))
            if data__waves_is_list:
                data__waves_len = len(data__waves)
                for data__waves_x, data__waves_item in enumerate(data__waves):
                    if not isinstance(data__waves_item, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".waves[{data__waves_x}]".format(**locals()) + " must be array", value=data__waves_item, name="" + (name_prefix or "data") + ".waves[{data__waves_x}]".format(**locals()) + "", definition={'type': 'array', 'items': {'type': 'object', 'additionalProperties': False, 'description': 'a matrix entry: only what the workflow reads (matrix.issue, matrix.wave)', 'required': ['issue', 'wave'], 'properties': {'issue': {'$ref': 'https://lumina-wave.dev/schemas/plan.schema.json#/$defs/number'}, 'wave': {'type': 'integer', 'minimum': 1}}}}, rule='type')
                    data__waves_item_is_list = isinstance(data__waves_item, (list, tuple))
                    if data__waves_item_is_list:
                        data__waves_item_len = len(data__waves_item)
                        for data__waves_item_x, data__waves_item_item in enumerate(data__waves_item):
                            validate_https___lumina_wave_dev_schemas_plan_schema_json___defs_entry(data__waves_item_item, custom_formats, (name_prefix or "data") + ".waves[{data__waves_x}][{data__waves_item_x}]".format(**locals()))
        if "works" in data_keys:
            data_keys.remove("works")
            data__works = data["works"]
            if not isinstance(data__works, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".works must be array", value=data__works, name="" + (name_prefix or "data") + ".works", definition={'type': 'array', 'items': {'type': 'integer', 'minimum': 1}, 'description': 'a retry run (input retry): the issues it works again; the others keep their records. Absent: every issue'}, rule='type')
            data__works_is_list = isinstance(data__works, (list, tuple))
            if data__works_is_list:
                data__works_len = len(data__works)
                for data__works_x, data__works_item in enumerate(data__works):
                    validate_https___lumina_wave_dev_schemas_plan_schema_json___defs_number(data__works_item, custom_formats, (name_prefix or "data") + ".works[{data__works_x}]".format(**locals()))
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'https://lumina-wave.dev/schemas/plan.schema.json', 'title': 'lumina-wave plan', 'description': 'A planned wave (plan.json): the issues, their dependencies, their waves, and the matrix per wave.', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'plan_id', 'source', 'base', 'draft', 'max_jobs_per_wave', 'wave_count', 'critical_path', 'external_done', 'issues', 'waves'], 'properties': {'version': {'type': 'integer', 'const': 1}, 'plan_id': {'type': 'string', 'pattern': '^[0-9a-f]{12}$'}, 'source': {'type': 'string'}, 'base': {'type': ['string', 'null']}, 'draft': {'type': 'boolean'}, 'max_jobs_per_wave': {'type': 'integer', 'minimum': 1, 'maximum': 256}, 'wave_count': {'type': 'integer', 'minimum': 0}, 'critical_path': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'external_done': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'issues': {'type': 'array', 'items': {'type': 'object', 'additionalProperties': False, 'required': ['issue', 'title', 'kind', 'body', 'url', 'wave', 'min_wave', 'depends_on', 'branch'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'title': {'type': 'string'}, 'kind': {'type': 'string'}, 'body': {'type': 'string'}, 'url': {'type': 'string'}, 'wave': {'type': 'integer', 'minimum': 1}, 'min_wave': {'type': 'integer', 'minimum': 1}, 'depends_on': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}}, 'branch': {'type': 'string'}}}}, 'waves': {'type': 'array', 'items': {'type': 'array', 'items': {'type': 'object', 'additionalProperties': False, 'description': 'a matrix entry: only what the workflow reads (matrix.issue, matrix.wave)', 'required': ['issue', 'wave'], 'properties': {'issue': {'$ref': 'https://lumina-wave.dev/schemas/plan.schema.json#/$defs/number'}, 'wave': {'type': 'integer', 'minimum': 1}}}}}, 'works': {'type': 'array', 'items': {'type': 'integer', 'minimum': 1}, 'description': 'a retry run (input retry): the issues it works again; the others keep their records. Absent: every issue'}}, '$defs': {'number': {'type': 'integer', 'minimum': 1}, 'entry': {'type': 'object', 'additionalProperties': False, 'description': 'a matrix entry: only what the workflow reads (matrix.issue, matrix.wave)', 'required': ['issue', 'wave'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'wave': {'type': 'integer', 'minimum': 1}}}}}, rule='additionalProperties')
    return data

def validate_https___lumina_wave_dev_schemas_plan_schema_json___defs_entry(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'description': 'a matrix entry: only what the workflow reads (matrix.issue, matrix.wave)', 'required': ['issue', 'wave'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'wave': {'type': 'integer', 'minimum': 1}}}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['issue', 'wave']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'description': 'a matrix entry: only what the workflow reads (matrix.issue, matrix.wave)', 'required': ['issue', 'wave'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'wave': {'type': 'integer', 'minimum': 1}}}, rule='required')
        data_keys = set(data.keys())
        if "issue" in data_keys:
            data_keys.remove("issue")
            data__issue = data["issue"]
            validate_https___lumina_wave_dev_schemas_plan_schema_json___defs_number(data__issue, custom_formats, (name_prefix or "data") + ".issue")
        if "wave" in data_keys:
            data_keys.remove("wave")
            data__wave = data["wave"]
            if not isinstance(data__wave, (int)) or isinstance(data__wave, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".wave must be integer", value=data__wave, name="" + (name_prefix or "data") + ".wave", definition={'type': 'integer', 'minimum': 1}, rule='type')
            if isinstance(data__wave, (int, float, Decimal)):
                if data__wave < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".wave must be bigger than or equal to 1", value=data__wave, name="" + (name_prefix or "data") + ".wave", definition={'type': 'integer', 'minimum': 1}, rule='minimum')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'description': 'a matrix entry: only what the workflow reads (matrix.issue, matrix.wave)', 'required': ['issue', 'wave'], 'properties': {'issue': {'type': 'integer', 'minimum': 1}, 'wave': {'type': 'integer', 'minimum': 1}}}, rule='additionalProperties')
    return data

def validate_https___lumina_wave_dev_schemas_plan_schema_json___defs_number(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be integer", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'integer', 'minimum': 1}, rule='type')
    if isinstance(data, (int, float, Decimal)):
        if data < 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be bigger than or equal to 1", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'integer', 'minimum': 1}, rule='minimum')
    return data


def is_valid(data):
    try:
        validate_https___lumina_wave_dev_schemas_plan_schema_json(data)
    except JsonSchemaValueException:
        return False
    return True
