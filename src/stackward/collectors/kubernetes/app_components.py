"""AI applications recognised by how they are started rather than by a vendor image.

Gradio and Streamlit apps ship in the team's own image, so the image name says nothing: the
command (``streamlit run app.py``, ``gradio app.py``), the framework's own environment
variables or its default port give them away. Label Studio has a vendor image but holds the
data being labelled, so it sits with data development rather than with the serving stack.
"""

from __future__ import annotations

from stackward.collectors.kubernetes.components import AIComponent, Category

APP_COMPONENTS: tuple[AIComponent, ...] = (
    AIComponent(
        "label-studio",
        "Label Studio",
        Category.DATA_LABELING,
        images=(r"heartexlabs/label-studio", r"(^|/)label-studio(/|$)"),
        labels=("label-studio", "labelstudio"),
        ports=(8080,),
        auth_by_default=True,
    ),
    AIComponent(
        "gradio",
        "Gradio app",
        Category.LLM_APP,
        labels=("gradio",),
        ports=(7860,),
        distinctive_ports=(7860,),
        commands=(r"(^|[\s/])gradio\s+\S+\.py\b", r"-m\s+gradio(\s|$)"),
        env_names=("GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT", "GRADIO_ROOT_PATH"),
    ),
    AIComponent(
        "streamlit",
        "Streamlit app",
        Category.LLM_APP,
        labels=("streamlit",),
        ports=(8501,),
        distinctive_ports=(8501,),
        commands=(r"(^|[\s/])streamlit\s+run(\s|$)", r"-m\s+streamlit\s+run(\s|$)"),
        env_names=("STREAMLIT_SERVER_PORT", "STREAMLIT_SERVER_ADDRESS"),
    ),
)
"""Searched after the vendor components, so a vendor image or label always wins."""
