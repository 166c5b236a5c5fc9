"""Generated from usage.schema.json by fastjsonschema 2.21.2: python -m lumina_wave.schemas. Do not edit."""

# ruff: noqa
# fmt: off
# JSON and YAML readers give int and float, never Decimal (whose import costs 2 ms).
Decimal = float


class JsonSchemaValueException(ValueError):
    def __init__(self, message, **details):
        super().__init__(message)


NoneType = type(None)

def validate_https___lumina_wave_dev_schemas_usage_schema_json(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'https://lumina-wave.dev/schemas/usage.schema.json', 'title': 'lumina-wave agent usage', 'description': 'What the agent may write to $WAVE_USAGE_FILE: what its run cost. Every field is optional; null or absent means not known (shown as —, never as 0). input_tokens counts every input token, cached ones included; cached_tokens is the part of it read from a cache.', 'type': 'object', 'additionalProperties': False, 'properties': {'model': {'type': ['string', 'null'], 'maxLength': 200}, 'input_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'output_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cached_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cost_usd': {'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, 'turns': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}}}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "model" in data_keys:
            data_keys.remove("model")
            data__model = data["model"]
            if not isinstance(data__model, (str, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".model must be string or null", value=data__model, name="" + (name_prefix or "data") + ".model", definition={'type': ['string', 'null'], 'maxLength': 200}, rule='type')
            if isinstance(data__model, str):
                data__model_len = len(data__model)
                if data__model_len > 200:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".model must be shorter than or equal to 200 characters", value=data__model, name="" + (name_prefix or "data") + ".model", definition={'type': ['string', 'null'], 'maxLength': 200}, rule='maxLength')
        if "input_tokens" in data_keys:
            data_keys.remove("input_tokens")
            data__inputtokens = data["input_tokens"]
            if not isinstance(data__inputtokens, (int, NoneType)) or isinstance(data__inputtokens, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".input_tokens must be integer or null", value=data__inputtokens, name="" + (name_prefix or "data") + ".input_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='type')
            if isinstance(data__inputtokens, (int, float, Decimal)):
                if data__inputtokens < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".input_tokens must be bigger than or equal to 0", value=data__inputtokens, name="" + (name_prefix or "data") + ".input_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='minimum')
                if data__inputtokens > 1000000000000000:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".input_tokens must be smaller than or equal to 1000000000000000", value=data__inputtokens, name="" + (name_prefix or "data") + ".input_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='maximum')
        if "output_tokens" in data_keys:
            data_keys.remove("output_tokens")
            data__outputtokens = data["output_tokens"]
            if not isinstance(data__outputtokens, (int, NoneType)) or isinstance(data__outputtokens, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".output_tokens must be integer or null", value=data__outputtokens, name="" + (name_prefix or "data") + ".output_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='type')
            if isinstance(data__outputtokens, (int, float, Decimal)):
                if data__outputtokens < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".output_tokens must be bigger than or equal to 0", value=data__outputtokens, name="" + (name_prefix or "data") + ".output_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='minimum')
                if data__outputtokens > 1000000000000000:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".output_tokens must be smaller than or equal to 1000000000000000", value=data__outputtokens, name="" + (name_prefix or "data") + ".output_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='maximum')
        if "cached_tokens" in data_keys:
            data_keys.remove("cached_tokens")
            data__cachedtokens = data["cached_tokens"]
            if not isinstance(data__cachedtokens, (int, NoneType)) or isinstance(data__cachedtokens, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cached_tokens must be integer or null", value=data__cachedtokens, name="" + (name_prefix or "data") + ".cached_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='type')
            if isinstance(data__cachedtokens, (int, float, Decimal)):
                if data__cachedtokens < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cached_tokens must be bigger than or equal to 0", value=data__cachedtokens, name="" + (name_prefix or "data") + ".cached_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='minimum')
                if data__cachedtokens > 1000000000000000:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cached_tokens must be smaller than or equal to 1000000000000000", value=data__cachedtokens, name="" + (name_prefix or "data") + ".cached_tokens", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, rule='maximum')
        if "cost_usd" in data_keys:
            data_keys.remove("cost_usd")
            data__costusd = data["cost_usd"]
            if not isinstance(data__costusd, (int, float, Decimal, NoneType)) or isinstance(data__costusd, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cost_usd must be number or null", value=data__costusd, name="" + (name_prefix or "data") + ".cost_usd", definition={'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='type')
            if isinstance(data__costusd, (int, float, Decimal)):
                if data__costusd < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cost_usd must be bigger than or equal to 0", value=data__costusd, name="" + (name_prefix or "data") + ".cost_usd", definition={'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='minimum')
                if data__costusd > 1000000000:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cost_usd must be smaller than or equal to 1000000000", value=data__costusd, name="" + (name_prefix or "data") + ".cost_usd", definition={'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='maximum')
        if "turns" in data_keys:
            data_keys.remove("turns")
            data__turns = data["turns"]
            if not isinstance(data__turns, (int, NoneType)) or isinstance(data__turns, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".turns must be integer or null", value=data__turns, name="" + (name_prefix or "data") + ".turns", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='type')
            if isinstance(data__turns, (int, float, Decimal)):
                if data__turns < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".turns must be bigger than or equal to 0", value=data__turns, name="" + (name_prefix or "data") + ".turns", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='minimum')
                if data__turns > 1000000000:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".turns must be smaller than or equal to 1000000000", value=data__turns, name="" + (name_prefix or "data") + ".turns", definition={'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}, rule='maximum')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': 'https://lumina-wave.dev/schemas/usage.schema.json', 'title': 'lumina-wave agent usage', 'description': 'What the agent may write to $WAVE_USAGE_FILE: what its run cost. Every field is optional; null or absent means not known (shown as —, never as 0). input_tokens counts every input token, cached ones included; cached_tokens is the part of it read from a cache.', 'type': 'object', 'additionalProperties': False, 'properties': {'model': {'type': ['string', 'null'], 'maxLength': 200}, 'input_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'output_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cached_tokens': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000000000}, 'cost_usd': {'type': ['number', 'null'], 'minimum': 0, 'maximum': 1000000000}, 'turns': {'type': ['integer', 'null'], 'minimum': 0, 'maximum': 1000000000}}}, rule='additionalProperties')
    return data


def is_valid(data):
    try:
        validate_https___lumina_wave_dev_schemas_usage_schema_json(data)
    except JsonSchemaValueException:
        return False
    return True
