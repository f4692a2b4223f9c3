"""The REST surface of 2008-08-01: the endpoint machinery and one module per resource group."""
