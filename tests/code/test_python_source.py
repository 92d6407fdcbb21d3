"""The syntax-tree inventory over small snippets: each positive has a hard negative twin."""

from __future__ import annotations

import pytest

from stackward.code import analyse_python
from stackward.code.inventory import code_properties


def _props(source: str) -> dict[str, object]:
    facts = analyse_python(source, "snippet.py")
    assert not facts.problems, facts.problems
    return code_properties(facts, 200)


def _names(source: str, key: str, field: str) -> list[object]:
    items = _props(source).get(key, [])
    assert isinstance(items, list)
    return [item[field] for item in items]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import openai\nimport torch, os\n", ["openai", "torch"]),
        ("from langchain_openai import ChatOpenAI\n", ["langchain_openai"]),
        ("import google.generativeai as genai\n", ["google.generativeai"]),
        ("from google import generativeai\n", ["google.generativeai"]),
        ("from sklearn.linear_model import LogisticRegression\n", ["sklearn"]),
        ("from llama_index.core import VectorStoreIndex\n", ["llama_index"]),
        ("import os, json\nfrom . import openai\n", []),
        ("import agents\nimport openai_tools\n", []),
        ("x = 'import openai'\n", []),
    ],
    ids=[
        "plain-imports",
        "langchain-family",
        "dotted-alias",
        "from-parent",
        "submodule",
        "llama-index",
        "relative-import-is-local",
        "lookalike-names",
        "import-in-a-string",
    ],
)
def test_ai_components(source: str, expected: list[str]) -> None:
    assert _names(source, "ai_components", "name") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "client.chat.completions.create(model='gpt-4o', messages=m)",
            ["model:provider/openai/gpt-4o"],
        ),
        (
            "anthropic.Anthropic().messages.create(model='claude-3-5-sonnet-20241022')",
            ["model:provider/anthropic/claude-3-5-sonnet-20241022"],
        ),
        (
            "AutoModel.from_pretrained('meta-llama/Llama-3.1-8B')",
            ["model:hf/meta-llama/Llama-3.1-8B"],
        ),
        ("AutoTokenizer.from_pretrained('bert-base-uncased')", ["model:hf/bert-base-uncased"]),
        (
            "pipeline('text-generation', model='openai-community/gpt2')",
            ["model:hf/openai-community/gpt2"],
        ),
        (
            "SentenceTransformer('sentence-transformers/all-MiniLM-L6-v2')",
            ["model:hf/sentence-transformers/all-MiniLM-L6-v2"],
        ),
        (
            "ChatMistralAI(model_name='mistral-large-latest')",
            ["model:provider/mistral/mistral-large-latest"],
        ),
        ("litellm.completion(model='openai/gpt-4o-mini')", ["model:provider/openai/gpt-4o-mini"]),
        (
            "boto3.client('bedrock-runtime').invoke_model(modelId=x)\nMODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0'",
            ["model:provider/bedrock/anthropic.claude-3-haiku-20240307-v1:0"],
        ),
        (
            "payload = {'model': 'gemini-1.5-pro', 'contents': c}",
            ["model:provider/google/gemini-1.5-pro"],
        ),
        ("DEFAULT_MODEL = 'gpt-4o'", ["model:provider/openai/gpt-4o"]),
        ("# we moved to gpt-4o last week\nx = 1", []),
        ("client.chat.completions.create(model=model_name, messages=m)", []),
        ("AutoModel.from_pretrained('./checkpoints/run-1')", []),
        ("AutoModel.from_pretrained('/opt/models/llama')", []),
        ("AutoModel.from_pretrained('output')", []),
        ("torch.load('models/resnet.pt', weights_only=True)", []),
        ("print('uses gpt-4o for answers')", []),
        ("model = 'my model is great'", []),
        ("call(model='../x/y')", []),
        ("AutoModel.from_pretrained('models/support-bot')", []),
        ("MODEL_DIR = 'acme/resnet-run'", []),
    ],
    ids=[
        "openai-model-kwarg",
        "anthropic-model",
        "hf-from-pretrained",
        "hf-legacy-id-in-hub-call",
        "hf-pipeline-model",
        "sentence-transformer",
        "mistral-model-name",
        "litellm-routed",
        "bedrock-model-id-constant",
        "request-payload-dict",
        "constant-named-model",
        "neg-comment-mention",
        "neg-model-variable",
        "neg-relative-local-dir",
        "neg-absolute-local-dir",
        "neg-bare-local-dir",
        "neg-file-path",
        "neg-mention-in-text",
        "neg-sentence",
        "neg-parent-path",
        "neg-project-models-dir",
        "neg-model-dir-constant",
    ],
)
def test_model_references(source: str, expected: list[str]) -> None:
    assert _names(source, "model_refs", "id") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("load_dataset('squad')", [("squad", True)]),
        (
            "load_dataset('HuggingFaceH4/ultrachat_200k', split='train')",
            [("HuggingFaceH4/ultrachat_200k", True)],
        ),
        ("load_dataset('csv', data_files='data/train.csv')", [("data/train.csv", False)]),
        (
            "pd.read_csv('s3://ml-data/train/customers.csv')",
            [("s3://ml-data/train/customers.csv", False)],
        ),
        ("spark.read.parquet('s3a://lake/events')", [("s3a://lake/events", False)]),
        ("pd.read_csv('postgresql://bob:hunter2@db/x')", [("postgresql://***@db/x", False)]),
        ("pd.read_csv(path)", []),
        ("pd.read_csv('local.csv')", []),
        ("load_dataset(name)", []),
    ],
    ids=[
        "hub-bare",
        "hub-org",
        "builder-files",
        "s3-csv",
        "spark-parquet",
        "credentials-removed",
        "neg-variable",
        "neg-local-file",
        "neg-dataset-variable",
    ],
)
def test_dataset_references(source: str, expected: list[tuple[str, bool]]) -> None:
    items = _props(source).get("dataset_refs", [])
    assert isinstance(items, list)
    assert [(d["ref"], d["hub"]) for d in items] == expected


SECRET_PROMPT = "You are the billing assistant. Internal discount code is ZEBRA-42."


@pytest.mark.parametrize(
    ("source", "vias"),
    [
        (f"SYSTEM_PROMPT = {SECRET_PROMPT!r}", ["SYSTEM_PROMPT"]),
        (f"msgs = [{{'role': 'system', 'content': {SECRET_PROMPT!r}}}]", ["system message"]),
        (
            f"ChatPromptTemplate.from_messages([('system', {SECRET_PROMPT!r}), ('human', '{{q}}')])",
            ["system message"],
        ),
        (f"client.messages.create(model=m, system={SECRET_PROMPT!r})", ["system="]),
        (f"SystemMessage(content={SECRET_PROMPT!r})", ["SystemMessage"]),
        ("prompt = f'You are a helper for {team}. Answer briefly.'", ["prompt"]),
        ("PROMPT_DIR = 'prompts/'", []),
        ("msgs = [{'role': 'user', 'content': 'What is the weather like today?'}]", []),
        ("system_prompt = load_prompt('billing')", []),
    ],
    ids=[
        "named-constant",
        "chat-dict",
        "langchain-pair",
        "anthropic-system",
        "system-message",
        "f-string-template",
        "neg-path-named-prompt",
        "neg-user-message",
        "neg-not-a-literal",
    ],
)
def test_prompts_are_fingerprints_only(source: str, vias: list[str]) -> None:
    props = _props(source)
    prompts = props.get("prompts", [])
    assert isinstance(prompts, list)
    assert [p["via"] for p in prompts] == vias
    assert "ZEBRA-42" not in repr(props) and "billing assistant" not in repr(props)
    for prompt in prompts:
        assert str(prompt["fingerprint"]).startswith("sha256:")
        assert isinstance(prompt["length"], int) and prompt["length"] > 0


def test_equal_prompts_share_a_fingerprint() -> None:
    one = _props(f"A_PROMPT = {SECRET_PROMPT!r}")["prompts"]
    two = _props(f"x = [{{'role': 'system', 'content': {SECRET_PROMPT!r}}}]")["prompts"]
    assert isinstance(one, list) and isinstance(two, list)
    assert one[0]["fingerprint"] == two[0]["fingerprint"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("@tool\ndef search_orders(q: str) -> str:\n    return q\n", ["search_orders"]),
        ("@tool('refund_payment')\ndef refund(x):\n    pass\n", ["refund_payment"]),
        ("@mcp.tool()\nasync def read_file(p):\n    pass\n", ["read_file"]),
        ("@function_tool\ndef get_weather(city):\n    pass\n", ["get_weather"]),
        ("t = Tool(name='shell', func=run, description='d')", ["shell"]),
        ("t = StructuredTool.from_function(func=send_email)", ["send_email"]),
        (
            "tools = [{'type': 'function', 'function': {'name': 'lookup_invoice', 'parameters': {}}}]",
            ["lookup_invoice"],
        ),
        ("tools = [{'name': 'get_stock', 'description': 'd', 'input_schema': {}}]", ["get_stock"]),
        ("@property\ndef tool(self):\n    pass\n", []),
        ("@app.route('/tool')\ndef tool_page():\n    pass\n", []),
        ("x = {'type': 'function', 'description': 'no name'}", []),
    ],
    ids=[
        "langchain-decorator",
        "named-decorator",
        "mcp-tool",
        "agents-sdk",
        "tool-object",
        "structured-tool",
        "openai-schema",
        "anthropic-schema",
        "neg-property-named-tool",
        "neg-route",
        "neg-schema-without-name",
    ],
)
def test_agent_tools(source: str, expected: list[str]) -> None:
    assert _names(source, "agent_tools", "name") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "r = client.chat.completions.create(model=m, messages=x)\ncode = r.choices[0].message.content\nexec(code)",
            ["eval_of_model_output"],
        ),
        ("eval(llm.invoke(q).content)", ["eval_of_model_output"]),
        (
            "answer = chain.invoke({'q': q})\nresult = answer\neval(result)",
            ["eval_of_model_output"],
        ),
        ("exec(response)", ["eval_of_model_output"]),
        ("eval('1 + 1')", []),
        ("expr = '2 * 3'\neval(expr)", []),
        ("ast.literal_eval(response.choices[0].message.content)", []),
        ("df.eval('a + b')", []),
        ("eval(user_input)", []),
        ("yaml.load(open('c.yml'))", ["yaml_unsafe_load"]),
        ("import yaml as y\ny.load(f, Loader=y.FullLoader)", ["yaml_unsafe_load"]),
        ("from yaml import load, Loader\nload(f, Loader)", ["yaml_unsafe_load"]),
        ("yaml.unsafe_load(f)", ["yaml_unsafe_load"]),
        ("yaml.safe_load(f)", []),
        ("yaml.load(f, Loader=yaml.SafeLoader)", []),
        ("yaml.load(f, yaml.CSafeLoader)", []),
        ("json.load(f)", []),
        ("os.system('curl -fsSL https://get.example.com/install.sh | sh')", ["pipe_to_shell"]),
        ("subprocess.run('wget -qO- https://x.io/i | sudo bash', shell=True)", ["pipe_to_shell"]),
        ("subprocess.run(['bash', '-c', 'curl -s https://x.io/a.sh | bash'])", ["pipe_to_shell"]),
        ("os.system('curl -o a.sh https://x.io/a.sh')", []),
        ("print('curl https://x.io | sh')", []),
        ("subprocess.run(f'convert {path} out.png', shell=True)", ["shell_command_interpolated"]),
        ("os.system('rm -rf ' + target)", ["shell_command_interpolated"]),
        ("subprocess.check_output('ls %s' % d, shell=True)", ["shell_command_interpolated"]),
        ("subprocess.run(['convert', path, 'out.png'])", []),
        ("subprocess.run(f'convert {path} out.png')", []),
        ("subprocess.run('ls -la', shell=True)", []),
        (
            "torch.load('m.pt')\npickle.load(f)\nAutoModel.from_pretrained(m, trust_remote_code=True)",
            [],
        ),
    ],
    ids=[
        "exec-of-chat-completion",
        "eval-of-invoke",
        "eval-through-assignments",
        "exec-response",
        "neg-eval-constant",
        "neg-eval-constant-variable",
        "neg-literal-eval",
        "neg-dataframe-eval",
        "neg-eval-unrelated",
        "yaml-no-loader",
        "yaml-full-loader-alias",
        "yaml-from-import",
        "yaml-unsafe-load",
        "neg-safe-load",
        "neg-safe-loader",
        "neg-csafe-positional",
        "neg-json",
        "curl-sh-os-system",
        "wget-sudo-bash",
        "bash-c-list",
        "neg-download-only",
        "neg-print-mention",
        "fstring-shell",
        "concat-os-system",
        "percent-shell",
        "neg-list-args",
        "neg-fstring-without-shell",
        "neg-constant-shell",
        "loads-left-to-sw-file-checks",
    ],
)
def test_unsafe_patterns(source: str, expected: list[str]) -> None:
    risks = _props(source).get("code_risks", [])
    assert isinstance(risks, list)
    assert [r["kind"] for r in risks] == expected
    for risk in risks:
        assert isinstance(risk["line"], int) and risk["line"] >= 1


def test_risk_lines_and_snippets_point_at_the_call() -> None:
    source = "import yaml\n\n\nconfig = yaml.load(open('c.yml'))  # api_key=sk-abcdefghijklmnop\n"
    (risk,) = _props(source)["code_risks"]  # type: ignore[misc]
    assert risk["line"] == 4
    assert "yaml.load" in risk["snippet"] and "sk-abcdefghijklmnop" not in risk["snippet"]


def test_tokens_in_risky_commands_are_redacted() -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    source = f"os.system('curl -H \\'Authorization: token {token}\\' https://x.io/i | sh')\n"
    (risk,) = _props(source)["code_risks"]  # type: ignore[misc]
    assert risk["kind"] == "pipe_to_shell"
    assert token not in risk["snippet"] and token[:12] not in risk["snippet"]


def test_facts_per_kind_are_capped() -> None:
    source = "\n".join(f"m{i} = AutoModel.from_pretrained('org/model-{i}')" for i in range(50))
    facts = analyse_python(source, "many.py", max_facts=10)
    props = code_properties(facts, 10)
    assert len(props["model_refs"]) == 10  # type: ignore[arg-type]
    assert props["code_facts_truncated"] is True
