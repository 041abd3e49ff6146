"""The duty matrix (任务分工): who leads, who cooperates, by when, for every task.

- ``extract.extract_duties(document, sections, aliases)``: the rows of one document (pure);
- ``matrix.build_matrix`` / ``matrix.matrix_for_index``: a corpus's matrix, once per index;
- ``questions.resolve_duty_question``: the rows answering "X牵头哪些工作?" and the like;
- ``answer.duty_answer``: the cited Answer the Assistant returns for those questions.

Department names: ``names.py`` and the maintained alias table ``aliases.toml``.
"""
