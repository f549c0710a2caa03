"""Acting on the library: response plans proposed from a situation's risk factors, and
commitments made by actors with the judged status of their implementation over time."""
