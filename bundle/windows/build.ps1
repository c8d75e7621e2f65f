# Build the qbaudit app bundle and its installer on Windows, with no Bash: PowerShell 5.1 or 7.
#
#   powershell -ExecutionPolicy Bypass -File bundle\windows\build.ps1 [-Python C:\Python311\python.exe]
#              [-NoInstaller] [-NoSmoke]
#
# 1. a virtual environment .venv\ with qbaudit and its [package] extra (PyInstaller), from PyPI;
# 2. bundle\build.py: the same steps as ./dev package on Linux: the similarity kernels compiled for
#    x86-64-v3 and -v2, PyInstaller (bundle\qbaudit.spec) -> dist\qbaudit\ (qbaudit-gui.exe, qbaudit.exe),
#    dist\qbaudit-manifest.json (version and SHA-256 of every file), dist\qbaudit-<version>-windows-amd64.zip,
#    and the smoke test from a copy in %TEMP% (no network isolation on Windows: disconnect to check);
# 3. Inno Setup 6 (ISCC.exe on PATH or in its default folder): dist\qbaudit-<version>-setup.exe, an
#    installer that needs no administrator rights (bundle\windows\qbaudit.iss).
[CmdletBinding()]
param(
    [string]$Python = "",
    [switch]$NoInstaller,
    [switch]$NoSmoke
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version 3.0

function Invoke-Checked {
    param([string]$Program, [string[]]$Arguments)
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root
# Python's output in UTF-8, and the console reading it as UTF-8, whatever the code page (the build prints
# Chinese notices).
$env:PYTHONUTF8 = "1"
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8

if (-not $Python) {
    if (Get-Command py.exe -ErrorAction SilentlyContinue) {
        $ErrorActionPreference = "Continue"  # Windows PowerShell turns a native program's stderr into errors
        $found = & py.exe -3.11 -c "import sys; print(sys.executable)" 2>$null
        $ErrorActionPreference = "Stop"
        if ($LASTEXITCODE -eq 0 -and $found) { $Python = "$found".Trim() }
    }
    if (-not $Python) { $Python = (Get-Command python.exe -ErrorAction Stop).Source }
}
Invoke-Checked $Python @("-c", "import sys; sys.exit(sys.version_info < (3, 11))")

$Venv = Join-Path $Root ".venv"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $VenvPython)) {
    Write-Host "== creating the virtual environment $Venv"
    Invoke-Checked $Python @("-m", "venv", $Venv)
}
Write-Host "== installing qbaudit with its [package] extra"
Invoke-Checked $VenvPython @("-m", "pip", "install", "--disable-pip-version-check", "-q", "--upgrade", "pip")
Invoke-Checked $VenvPython @("-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", ".[package]")

$BuildArgs = @("bundle\build.py", "--archive")
if ($NoSmoke) { $BuildArgs += "--no-smoke" }
Invoke-Checked $VenvPython $BuildArgs

if ($NoInstaller) { exit 0 }
$Iscc = Get-Command ISCC.exe -ErrorAction SilentlyContinue
if ($Iscc) { $Iscc = $Iscc.Source }
else {
    foreach ($candidate in @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
                             "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe")) {
        if (Test-Path $candidate) { $Iscc = $candidate; break }
    }
}
if (-not $Iscc) { throw "Inno Setup 6 (ISCC.exe) was not found: install it from its site or with 'choco install innosetup', or pass -NoInstaller" }
$Version = (& $VenvPython -c "import qbaudit; print(qbaudit.__version__)").Trim()
Write-Host "== Inno Setup: dist\qbaudit-$Version-setup.exe"
Invoke-Checked $Iscc @("/Qp", "/DAppVersion=$Version", "/DSourceDir=$Root\dist\qbaudit", "/DOutputDir=$Root\dist",
                       "bundle\windows\qbaudit.iss")
