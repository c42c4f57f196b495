"""The dashboard's state: one ``param.Parameterized`` model per screen, calling the services (no Panel here).

They take the one :class:`~lean_runner.services.Workbench` and are driven without a browser in
``tests/app/``; the views in :mod:`app.views` render them.
"""

from app.models.compare import CompareModel
from app.models.data import DataFolderModel
from app.models.detail import ResultDetailModel
from app.models.launch import DSL, PYTHON, LaunchModel, ParameterDeclaration
from app.models.live import LiveRunsModel, RunState
from app.models.results import ResultsModel
from app.models.strategies import DslEditorModel, PythonEditorModel

__all__ = ["DSL", "PYTHON", "CompareModel", "DataFolderModel", "DslEditorModel", "LaunchModel", "LiveRunsModel",
           "ParameterDeclaration", "PythonEditorModel", "ResultDetailModel", "ResultsModel", "RunState"]
