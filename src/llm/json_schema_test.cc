// ValidateJson over a table of (schema, document, expected first violation), and ExtractJsonObject
// over the ways small models wrap JSON in a reply.
#include "llm/json_schema.h"

#include <gtest/gtest.h>

namespace engram::llm {
namespace {

// A schema like the one memory extraction asks a model to follow.
constexpr const char* kMemories = R"({
  "type": "object",
  "properties": {
    "memories": {
      "type": "array",
      "maxItems": 3,
      "items": {
        "type": "object",
        "properties": {
          "text": {"type": "string", "minLength": 1, "maxLength": 10},
          "confidence": {"type": "number", "minimum": 0, "maximum": 1},
          "kind": {"enum": ["fact", "preference"]},
          "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1}
        },
        "required": ["text", "confidence"],
        "additionalProperties": false
      }
    },
    "count": {"type": "integer"},
    "note": {"type": ["string", "null"]},
    "done": {"type": "boolean"}
  },
  "required": ["memories"]
})";

struct Case {
  const char* name;
  const char* doc;
  const char* error;  // "" = valid; otherwise the exact message
};

TEST(JsonSchemaTest, Table) {
  const Case cases[] = {
      {"minimal", R"({"memories":[]})", ""},
      {"full", R"({"memories":[{"text":"likes tea","confidence":0.9,"kind":"preference","tags":["drink"]}],
                  "count":1,"note":null,"done":true})", ""},
      {"integer as 2.0", R"({"memories":[],"count":2.0})", ""},
      {"unicode length", R"({"memories":[{"text":"ééééééééééé","confidence":1}]})",
       "$.memories[0].text: expected at most 10 characters, got 11"},
      {"missing required", R"({"count":1})", "$.memories: required property missing"},
      {"wrong root type", R"([1,2])", "$: expected object, got array"},
      {"wrong nested type", R"({"memories":[{"text":"a","confidence":0.5},{"text":"b","confidence":0.5},
                              {"text":"c","confidence":"high"}]})",
       "$.memories[2].confidence: expected number, got string"},
      {"integer rejects fraction", R"({"memories":[],"count":1.5})", "$.count: expected integer, got number"},
      {"type list", R"({"memories":[],"note":3})", "$.note: expected string or null, got integer"},
      {"boolean", R"({"memories":[],"done":"yes"})", "$.done: expected boolean, got string"},
      {"minimum", R"({"memories":[{"text":"a","confidence":-0.5}]})",
       "$.memories[0].confidence: -0.5 is less than the minimum 0"},
      {"maximum", R"({"memories":[{"text":"a","confidence":2}]})",
       "$.memories[0].confidence: 2 is greater than the maximum 1"},
      {"minLength", R"({"memories":[{"text":"","confidence":0}]})",
       "$.memories[0].text: expected at least 1 character, got 0"},
      {"enum", R"({"memories":[{"text":"a","confidence":0,"kind":"opinion"}]})",
       R"($.memories[0].kind: value "opinion" is not one of ["fact","preference"])"},
      {"maxItems", R"({"memories":[{"text":"a","confidence":0},{"text":"a","confidence":0},
                     {"text":"a","confidence":0},{"text":"a","confidence":0}]})",
       "$.memories: expected at most 3 items, got 4"},
      {"minItems", R"({"memories":[{"text":"a","confidence":0,"tags":[]}]})",
       "$.memories[0].tags: expected at least 1 item, got 0"},
      {"items type", R"({"memories":[{"text":"a","confidence":0,"tags":["x",7]}]})",
       "$.memories[0].tags[1]: expected string, got integer"},
      {"additionalProperties false", R"({"memories":[{"text":"a","confidence":0,"why":"x"}]})",
       "$.memories[0].why: unexpected property"},
      {"additional allowed at root", R"({"memories":[],"extra":{"anything":1}})", ""},
      {"odd key in path", R"({"memories":[{"text":"a","confidence":0,"my key":1}]})",
       R"($.memories[0]["my key"]: unexpected property)"},
      {"not json", R"({"memories":[)", "$: invalid JSON"},
  };
  for (const Case& c : cases) {
    Status st = ValidateJson(c.doc, kMemories);
    if (std::string(c.error).empty()) {
      EXPECT_TRUE(st.ok()) << c.name << ": " << st.ToString();
    } else {
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.name;
      EXPECT_EQ(st.message(), c.error) << c.name;
    }
  }
}

TEST(JsonSchemaTest, AdditionalPropertiesSchemaAndUnknownKeywords) {
  const char* schema = R"({"$schema":"https://json-schema.org/draft/2020-12/schema","title":"t",
                           "type":"object","description":"ignored","additionalProperties":{"type":"integer"}})";
  EXPECT_TRUE(ValidateJson(R"({"a":1,"b":2})", schema).ok());
  EXPECT_EQ(ValidateJson(R"({"a":1,"b":"x"})", schema).message(), "$.b: expected integer, got string");
}

TEST(JsonSchemaTest, EnumWithoutTypeAndNumbers) {
  EXPECT_TRUE(ValidateJson("2", R"({"enum":[1,2,3]})").ok());
  EXPECT_TRUE(ValidateJson("2.0", R"({"enum":[1,2,3]})").ok());
  EXPECT_FALSE(ValidateJson("\"2\"", R"({"enum":[1,2,3]})").ok());
  EXPECT_TRUE(ValidateJson("null", R"({"type":"null"})").ok());
  EXPECT_TRUE(ValidateJson("{}", "{}").ok());  // the empty schema accepts anything
}

TEST(JsonSchemaTest, BadSchemasAreReported) {
  for (const char* schema : {"not json", "[1]", R"({"type":"thing"})", R"({"type":7})", R"({"required":"a"})",
                             R"({"type":"array","minItems":-1})", R"({"properties":[1]})"}) {
    Status st = ValidateJson(R"({"a":[1]})", schema);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << schema;
    EXPECT_EQ(st.message().rfind("schema:", 0), 0u) << schema << " -> " << st.message();
  }
}

TEST(ExtractJsonObjectTest, Cases) {
  struct {
    const char* text;
    const char* want;
  } cases[] = {
      {R"({"a":1})", R"({"a":1})"},
      {"Sure! Here is the JSON:\n```json\n{\"memories\": [{\"text\": \"x\"}]}\n```\nHope that helps.",
       R"({"memories": [{"text": "x"}]})"},
      {"```\n{\"a\": {\"b\": {}}}\n```", R"({"a": {"b": {}}})"},
      {R"(The answer is {"text": "a } brace and a { brace", "n": 2} as requested.)",
       R"({"text": "a } brace and a { brace", "n": 2})"},
      {R"(Escaped: {"q": "she said \"}\" then left", "ok": true}!)", R"({"q": "she said \"}\" then left", "ok": true})"},
      {R"(Backslash at end of string: {"p": "C:\\", "x": 1})", R"({"p": "C:\\", "x": 1})"},
      {R"(Use {placeholders} like {this}; result: {"k": [1, 2]})", R"({"k": [1, 2]})"},
      {R"(Two objects {"first": 1} and {"second": 2})", R"({"first": 1})"},
      {"no json here", ""},
      {R"(unbalanced {"a": 1)", ""},
      {R"(an array [1,2] is not an object)", ""},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(ExtractJsonObject(c.text), c.want) << c.text;
}

}  // namespace
}  // namespace engram::llm
