"""Start the web chat over ./corpus: `python app.py`, then open http://127.0.0.1:7860.

It takes exactly the flags of `rag serve` (`python app.py --help`) and the same environment variables
(RAG_*, and Gradio's GRADIO_SERVER_NAME / GRADIO_SERVER_PORT); see the README's Configuration table.
"""

import sys

from rag.cli import main, serve_parser

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], parser=serve_parser("app.py")))
