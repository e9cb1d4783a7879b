"""Optional language models: backends (`backends`), prompts (`prompts`), model-written answers (`answerer`)
and summaries (`summarizer`), both verified sentence by sentence (`verified`, rag.answering.verify)."""
