"""The result folders of a project: names, reproducibility metadata, and an index to list and delete them."""

from lean_runner.results_index.index import ResultEntry, ResultIndex, ResultPage, read_entry
from lean_runner.results_index.metadata import (
    RunMetadata,
    copy_project_code,
    data_folder_checksum,
    read_metadata,
    write_metadata,
)
from lean_runner.results_index.names import new_result_folder, resolve_result_folder, validate_result_name

__all__ = ["ResultEntry", "ResultIndex", "ResultPage", "RunMetadata", "copy_project_code", "data_folder_checksum",
           "new_result_folder", "read_entry", "read_metadata", "resolve_result_folder", "validate_result_name",
           "write_metadata"]
