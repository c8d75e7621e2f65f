; Inno Setup 6 script: the installer of the qbaudit app bundle (dist\qbaudit\, built by bundle\build.py).
; Built by bundle\windows\build.ps1:
;   ISCC /DAppVersion=0.1.0 /DSourceDir=...\dist\qbaudit /DOutputDir=...\dist bundle\windows\qbaudit.iss
; Installs for the current user without administrator rights (into %LOCALAPPDATA%\Programs\qbaudit),
; or for all users when run as administrator; a Start menu entry for the window and one for the command
; line; nothing is downloaded. The user's audits, settings and caches (%LOCALAPPDATA%\qbaudit) are kept
; on uninstall.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\qbaudit"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppTitle "题库质量审核工作台"

[Setup]
AppId={{6F0C2B54-7B1E-4E63-9C57-2A3B8D1F4E21}
AppName={#AppTitle}
AppVersion={#AppVersion}
AppVerName={#AppTitle} {#AppVersion}
AppPublisher=qbaudit
DefaultDirName={autopf}\qbaudit
DefaultGroupName={#AppTitle}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=qbaudit-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName={#AppTitle}
UninstallDisplayIcon={app}\qbaudit-gui.exe

[Languages]
; Inno Setup's Simplified Chinese messages where this Inno Setup has them, else English.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppTitle}"; Filename: "{app}\qbaudit-gui.exe"
Name: "{group}\{#AppTitle}（示例审核）"; Filename: "{app}\qbaudit-gui.exe"; Parameters: "--sample"
Name: "{group}\{#AppTitle}（命令行）"; Filename: "{cmd}"; Parameters: "/k qbaudit --help"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,{#AppTitle}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppTitle}"; Filename: "{app}\qbaudit-gui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\qbaudit-gui.exe"; Description: "{cm:LaunchProgram,{#AppTitle}}"; Flags: nowait postinstall skipifsilent
