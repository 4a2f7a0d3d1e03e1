from tcxd.cli import main

main()
