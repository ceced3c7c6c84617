from neuroyard_client.cli import main

main()
